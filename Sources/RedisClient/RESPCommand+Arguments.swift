import NIOCore
import RESP

extension RESPCommand {
    /// The arguments (the name first), decoded back from the encoded bulk strings.
    ///
    /// ``RESPCommand`` only ever writes well-formed `$<len>\r\n<bytes>\r\n` items; should the
    /// buffer end early anyway, the arguments read so far are returned. The slices share storage.
    var arguments: [ByteBuffer] {
        var buffer = self.encodedArguments
        var arguments: [ByteBuffer] = []
        arguments.reserveCapacity(self.count)
        while buffer.readableBytes > 0 {
            guard buffer.readInteger(as: UInt8.self) == UInt8(ascii: "$") else { break }
            var length = 0
            var sawDigit = false
            while let byte = buffer.readInteger(as: UInt8.self), byte != UInt8(ascii: "\r") {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), length < Int.max / 10 - 9 else {
                    return arguments
                }
                length = length * 10 + Int(byte - UInt8(ascii: "0"))
                sawDigit = true
            }
            guard sawDigit, buffer.readInteger(as: UInt8.self) == UInt8(ascii: "\n"),
                let argument = buffer.readSlice(length: length), buffer.readableBytes >= 2
            else { return arguments }
            buffer.moveReaderIndex(forwardBy: 2)
            arguments.append(argument)
        }
        return arguments
    }
}
