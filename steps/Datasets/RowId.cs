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
    public static string Of(DatasetRow row)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, row.Kind.ToString());
        Append(hash, row.System);
        Append(hash, row.Instruction);
        Append(hash, row.Input);
        Append(hash, row.Output);
        Append(hash, row.Messages is null ? null : DatasetSchema.MessagesToJson(row.Messages));
        Append(hash, row.Text);
        Append(hash, row.Label);
        Append(hash, row.Chosen);
        Append(hash, row.Rejected);
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return Convert.ToHexStringLower(digest[..16]);
    }

    private static void Append(IncrementalHash hash, string? value)
    {
        Span<byte> length = stackalloc byte[8];
        BitConverter.TryWriteBytes(length, value is null ? -1L : Encoding.UTF8.GetByteCount(value));
        hash.AppendData(length);
        if (value is not null) hash.AppendData(Encoding.UTF8.GetBytes(value));
    }
}
