using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using TorchSharp;

namespace Workflows.Torch.Checkpoints;

/// <summary>
/// Writes safetensors files laid out exactly as the reference implementation does: metadata first,
/// tensors ordered by element size (largest first) then name, header padded with spaces to 8 bytes.
/// Reading a file written by the reference implementation and writing it back gives the same bytes.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/> to <paramref name="path"/> through a temporary file that is
    /// renamed into place, so a killed writer never leaves a half file.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var entries = tensors
            .Select(pair => (Name: pair.Key, Tensor: pair.Value, Dtype: DtypeOf(pair.Key, pair.Value)))
            .OrderByDescending(e => e.Dtype.ElementSize())
            .ThenBy(e => e.Name, StringComparer.Ordinal)
            .ToList();

        var header = BuildHeader(entries.Select(e => (e.Name, e.Dtype, e.Tensor.shape, e.Tensor.numel())), metadata);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                stream.Write(BitConverter.GetBytes((ulong)header.Length));
                stream.Write(header);
                foreach (var entry in entries)
                {
                    TensorBytes.CopyTo(entry.Tensor, stream);
                }
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private static SafetensorsDtype DtypeOf(string name, torch.Tensor tensor) =>
        SafetensorsDtypes.FromScalarType(tensor.dtype)
        ?? throw new ArgumentException($"tensor '{name}' has dtype {tensor.dtype}, which safetensors cannot store here");

    private static byte[] BuildHeader(
        IEnumerable<(string Name, SafetensorsDtype Dtype, long[] Shape, long Count)> entries,
        IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var pair in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    json.WriteString(pair.Key, pair.Value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var (name, dtype, shape, count) in entries)
            {
                var end = offset + (count * dtype.ElementSize());
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype.ToString());
                json.WriteStartArray("shape");
                foreach (var dimension in shape)
                {
                    json.WriteNumberValue(dimension);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }

            json.WriteEndObject();
        }

        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        var length = buffer.Length;
        var padded = (length + 7) / 8 * 8;
        buffer.Write(Encoding.ASCII.GetBytes(new string(' ', (int)(padded - length))));
        return buffer.ToArray();
    }
}
