// The entry point every target shares. SwiftPM (tools version 5.5 and later) compiles an executable
// target's entry point as `<Target>_main` and links it with `--defsym main=<Target>_main`. With
// -parse-as-library no such function is emitted and the link fails, so each target defines it with
// `@_cdecl` and hands over here, to libFuzzer's driver, which is what libFuzzer's own `main` does.
// (Because `main` is then defined, libFuzzer's FuzzerMain.o is never pulled in.)

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// Runs libFuzzer with the process's arguments, calling `callback` once per input.
public func runFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, callback)
}
