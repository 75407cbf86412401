import NudgeCore

print("nudge-bench")
