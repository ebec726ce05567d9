using System.Text.Json;
using NUnit.Framework;
using Workflows.Torch.Checkpoints;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Checkpoints;

public class ShardedSafetensorsTests
{
    [Test]
    public void Load_ShardedCopyOfModel_GivesSameLogitsAsSingleFile()
    {
        using var folder = new TemporaryFolder();
        WriteShardedCopy(folder.Path);

        var single = LlamaLoader.Load(SharedAssets.Stories260K);
        var sharded = LlamaLoader.Load(folder.Path);
        using var ids = tensor(new long[] { 1, 403, 407, 261 }, [1, 4]);
        using var expected = single.forward(ids);
        using var actual = sharded.forward(ids);
        Assert.That(TensorAssert.Identical(actual, expected), Is.True);
    }

    [Test]
    public void Open_IndexNamesMissingShard_NamesIndexAndShard()
    {
        using var folder = new TemporaryFolder();
        WriteShardedCopy(folder.Path);
        File.Delete(Path.Combine(folder.Path, "model-00002-of-00002.safetensors"));
        var error = Expect.Failure<ModelLoadException>(() => ShardedSafetensors.Open(Path.Combine(folder.Path, "model.safetensors.index.json")));
        Assert.That(error.Message, Does.Contain("model.safetensors.index.json").And.Contain("'model-00002-of-00002.safetensors'").And.Contain("not found"));
    }

    private static void WriteShardedCopy(string folder)
    {
        using var source = SafetensorsFile.Open(Path.Combine(SharedAssets.Stories260K, "model.safetensors"));
        var names = source.Names.ToList();
        var map = new Dictionary<string, string>();
        for (var shard = 0; shard < 2; shard++)
        {
            var shardName = $"model-0000{shard + 1}-of-00002.safetensors";
            var part = names.Where((_, i) => i % 2 == shard).ToList();
            SafetensorsWriter.Write(Path.Combine(folder, shardName), part.Select(n => new KeyValuePair<string, Tensor>(n, source.Read(n))));
            part.ForEach(n => map[n] = shardName);
        }

        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"), JsonSerializer.Serialize(new { metadata = new { total_size = 0 }, weight_map = map }));
        File.Copy(Path.Combine(SharedAssets.Stories260K, "config.json"), Path.Combine(folder, "config.json"));
    }
}
