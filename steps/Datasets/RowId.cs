using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Workflows.Steps.Datasets;

/// <summary>The stable content id of a row: the first 16 bytes of SHA-256, as 32 lower-case hex chars.</summary>
/// <remarks>Hashes the kind and every content field, each length-prefixed so ("ab","c") and ("a","bc")
/// differ, and null distinct from empty. Provenance (file, line, source id) is left out on purpose: the
/// same example read from two files gets one id, which is what exact de-duplication relies on.
/// Changing this layout changes every id: bump the version of every step that writes rows.</remarks>
public static class RowId
{
    // One buffer per thread: hashing millions of rows should not allocate per field.
    [ThreadStatic] private static ArrayBufferWriter<byte>? _buffer;

    public static string Of(DatasetRow row)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        Append(buffer, DatasetSchema.KindName(row.Kind));
        Append(buffer, row.System);
        Append(buffer, row.Instruction);
        Append(buffer, row.Input);
        Append(buffer, row.Output);
        Append(buffer, row.Messages is null ? null : DatasetSchema.MessagesToJson(row.Messages));
        Append(buffer, row.Text);
        Append(buffer, row.Label);
        Append(buffer, row.Chosen);
        Append(buffer, row.Rejected);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(buffer.WrittenSpan, digest);
        return Convert.ToHexStringLower(digest[..16]);
    }

    private static void Append(ArrayBufferWriter<byte> buffer, string? value)
    {
        var length = value is null ? -1L : Encoding.UTF8.GetByteCount(value);
        BinaryPrimitives.WriteInt64LittleEndian(buffer.GetSpan(8), length);
        buffer.Advance(8);
        if (value is null) return;
        buffer.Advance(Encoding.UTF8.GetBytes(value, buffer.GetSpan((int)length)));
    }
}
