using System.Text.Json;

namespace Workflows.Torch.Checkpoints;

/// <summary>Parses and checks the JSON header of a safetensors file.</summary>
internal static class SafetensorsHeader
{
    // Real headers are kilobytes to a few megabytes; a larger length means a corrupt or foreign file.
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>Reads the 8-byte length prefix and checks it against the file size.</summary>
    public static long ReadLength(ReadOnlySpan<byte> prefix, long fileLength, string path)
    {
        if (fileLength < 8)
        {
            throw new ModelLoadException($"{path}: truncated safetensors file ({fileLength} bytes, the header length alone takes 8); re-download or re-export it");
        }

        var length = BitConverter.ToInt64(prefix);
        if (length <= 0 || length > MaxHeaderBytes || length > fileLength - 8)
        {
            throw new ModelLoadException($"{path}: corrupt or truncated safetensors header (declared length {length}, file has {fileLength - 8} bytes after the prefix); re-download or re-export it");
        }

        return length;
    }

    /// <summary>Parses the header JSON into tensor entries and metadata, checking every offset.</summary>
    public static (List<SafetensorsTensorInfo> Tensors, Dictionary<string, string> Metadata) Parse(
        ReadOnlySpan<byte> json, long dataLength, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"{path}: corrupt safetensors header, not valid JSON ({e.Message.Split('\n')[0]}); re-download or re-export it", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelLoadException($"{path}: corrupt safetensors header, expected a JSON object");
            }

            var tensors = new List<SafetensorsTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    foreach (var entry in property.Value.EnumerateObject())
                    {
                        metadata[entry.Name] = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : entry.Value.GetRawText();
                    }

                    continue;
                }

                tensors.Add(ParseTensor(property, dataLength, path));
            }

            return (tensors, metadata);
        }
    }

    private static SafetensorsTensorInfo ParseTensor(JsonProperty property, long dataLength, string path)
    {
        var name = property.Name;
        var entry = property.Value;
        if (entry.ValueKind != JsonValueKind.Object
            || !entry.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String
            || !entry.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !entry.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array
            || offsetsElement.GetArrayLength() != 2)
        {
            throw new ModelLoadException($"{path}: corrupt safetensors header, tensor '{name}' needs dtype, shape and data_offsets [begin, end]");
        }

        var dtypeText = dtypeElement.GetString()!;
        if (!Enum.TryParse<SafetensorsDtype>(dtypeText, ignoreCase: false, out var dtype) || !Enum.IsDefined(dtype))
        {
            throw new ModelLoadException($"{path}: tensor '{name}' has unsupported dtype '{dtypeText}'; supported: {string.Join(", ", Enum.GetNames<SafetensorsDtype>())} (convert the checkpoint to F32, BF16 or F16)");
        }

        var shape = new long[shapeElement.GetArrayLength()];
        var i = 0;
        foreach (var dimension in shapeElement.EnumerateArray())
        {
            if (!dimension.TryGetInt64(out shape[i]) || shape[i] < 0)
            {
                throw new ModelLoadException($"{path}: corrupt safetensors header, tensor '{name}' has a shape that is not a list of non-negative integers");
            }

            i++;
        }

        if (!offsetsElement[0].TryGetInt64(out var begin) || !offsetsElement[1].TryGetInt64(out var end)
            || begin < 0 || end < begin || end > dataLength)
        {
            throw new ModelLoadException($"{path}: corrupt or truncated safetensors file, tensor '{name}' data_offsets lie outside the {dataLength} data bytes; re-download or re-export it");
        }

        var info = new SafetensorsTensorInfo(name, dtype, shape, begin, end);
        if (info.ByteLength != info.ElementCount * dtype.ElementSize())
        {
            throw new ModelLoadException($"{path}: corrupt safetensors header, tensor '{name}' spans {info.ByteLength} bytes but {dtypeText}[{string.Join(", ", shape)}] needs {info.ElementCount * dtype.ElementSize()}");
        }

        return info;
    }
}
