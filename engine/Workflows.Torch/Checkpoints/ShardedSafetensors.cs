using System.Text.Json;
using TorchSharp;

namespace Workflows.Torch.Checkpoints;

/// <summary>
/// A checkpoint split over several safetensors files and described by
/// <c>model.safetensors.index.json</c> (<c>{"weight_map": {tensor: file}}</c>).
/// </summary>
public sealed class ShardedSafetensors : ITensorSource
{
    private readonly Dictionary<string, SafetensorsFile> _byTensor;
    private readonly List<SafetensorsFile> _shards;

    private ShardedSafetensors(string path, Dictionary<string, SafetensorsFile> byTensor, List<SafetensorsFile> shards)
    {
        Path = path;
        _byTensor = byTensor;
        _shards = shards;
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public IEnumerable<string> Names => _byTensor.Keys;

    /// <summary>Opens the index and every shard it names, checking each tensor is where the index says.</summary>
    /// <exception cref="ModelLoadException">Missing or malformed index, missing shard, tensor absent from its shard.</exception>
    public static ShardedSafetensors Open(string indexPath)
    {
        if (!File.Exists(indexPath))
        {
            throw new ModelLoadException($"{indexPath}: safetensors index not found; check the model path");
        }

        Dictionary<string, string> weightMap;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw new ModelLoadException($"{indexPath}: no 'weight_map' object; not a safetensors index");
            }

            weightMap = map.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty, StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"{indexPath}: not valid JSON ({e.Message.Split('\n')[0]})", e);
        }

        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(indexPath))!;
        var shards = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var byTensor = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (var (tensor, shardName) in weightMap)
            {
                if (!shards.TryGetValue(shardName, out var shard))
                {
                    var shardPath = System.IO.Path.Combine(folder, shardName);
                    if (!File.Exists(shardPath))
                    {
                        throw new ModelLoadException($"{indexPath}: shard '{shardName}' (holding '{tensor}') not found next to the index");
                    }

                    shard = SafetensorsFile.Open(shardPath);
                    shards[shardName] = shard;
                }

                if (!shard.Contains(tensor))
                {
                    throw new ModelLoadException($"{shard.Path}: index {indexPath} places tensor '{tensor}' here but the shard has no such tensor");
                }

                byTensor[tensor] = shard;
            }
        }
        catch
        {
            foreach (var shard in shards.Values)
            {
                shard.Dispose();
            }

            throw;
        }

        return new ShardedSafetensors(indexPath, byTensor, shards.Values.ToList());
    }

    /// <inheritdoc />
    public bool Contains(string name) => _byTensor.ContainsKey(name);

    /// <inheritdoc />
    public long[] GetShape(string name) => Shard(name).GetShape(name);

    /// <inheritdoc />
    public torch.Tensor Read(string name) => Shard(name).Read(name);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var shard in _shards)
        {
            shard.Dispose();
        }
    }

    private SafetensorsFile Shard(string name) =>
        _byTensor.GetValueOrDefault(name) ?? throw new ModelLoadException($"{Path}: no tensor named '{name}'");
}
