#!/bin/sh
# Writes crashes/05 (about 400 KB, so it is not kept as a file): a dotted key of 200,001 segments.
# Usage: sh crashes/05-tomlpp-dotted-key-stack-overflow.sh > /tmp/05.toml
python3 -c "print('a' + '.a' * 200000 + '=1')"
