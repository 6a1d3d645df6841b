// Fuzz entry point of the RESP decoder.
//
// Built normally it replays files given on the command line (a corpus or a crash reproducer).
// Built with `-DFUZZING -sanitize=fuzzer -parse-as-library` (scripts/fuzz-resp.sh) it is a
// libFuzzer target. Either way the invariant checked is the same: the decoder returns a value,
// returns nil, or throws RESPDecodingError; it never traps, and byte-at-a-time feeding gives the
// same values as whole-buffer feeding.
import NIOCore
import RESP

func fuzzOne(_ bytes: UnsafeRawBufferPointer) {
    let limits = RESPDecoder.Limits(
        maximumBulkLength: 1 << 16, maximumLineLength: 1024, maximumDepth: 16,
        maximumAggregateCount: 1 << 16)
    let decoder = RESPDecoder(limits: limits)
    var whole = ByteBuffer(bytes: bytes)
    var wholeValues: [RESPValue] = []
    var wholeFailed = false
    do {
        while let value = try decoder.decode(buffer: &whole) { wholeValues.append(value) }
    } catch {
        wholeFailed = true
    }

    var drip = ByteBuffer()
    var dripValues: [RESPValue] = []
    var dripFailed = false
    outer: for byte in bytes {
        drip.writeInteger(byte)
        do {
            while let value = try decoder.decode(buffer: &drip) { dripValues.append(value) }
        } catch {
            dripFailed = true
            break outer
        }
    }
    // Values decoded before any error must agree; NaN doubles compare unequal, so compare descriptions.
    let n = min(wholeValues.count, dripValues.count)
    for i in 0..<n where wholeValues[i].description != dripValues[i].description {
        fatalError("byte-at-a-time decoding differs at value \(i)")
    }
    if !wholeFailed && !dripFailed && wholeValues.count != dripValues.count {
        fatalError("byte-at-a-time decoding yields \(dripValues.count) values, whole buffer \(wholeValues.count)")
    }
}

#if FUZZING
    @_cdecl("LLVMFuzzerTestOneInput")
    public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        fuzzOne(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }

    /// libFuzzer's driver (`int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*cb)(const uint8_t *, size_t))`).
    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// The process entry point of the fuzzing build. SwiftPM links executables on Linux with
    /// `--defsym main=<Module>_main`, which hides libFuzzer's own `main`; this stands in for it.
    @_cdecl("RESPFuzzer_main")
    public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        var argc = argc
        var argv = argv
        return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput)
    }
#else
    import Foundation

    /// Replays every file named on the command line (directories: every file in them), prints and
    /// returns how many.
    func replay(_ paths: some Sequence<String>) -> Int {
        var replayed = 0
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                print("no such file: \(path)")
                continue
            }
            let files =
                isDirectory.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
                : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                data.withUnsafeBytes { fuzzOne($0) }
                replayed += 1
            }
        }
        print("replayed \(replayed) inputs without a crash")
        return replayed
    }

    // A declaration rather than a statement: `-parse-as-library` (the fuzzing build) rejects top-level
    // statements even in this inactive branch.
    let replayedCount = replay(CommandLine.arguments.dropFirst())
#endif
