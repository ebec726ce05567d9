using System.Text.Json;
using Workflows.Torch.Llama;

namespace Workflows.Torch.Tests.Llama;

/// <summary>
/// The tiny random checkpoints of each supported family under Fixtures/families, with the logits,
/// rope frequencies and greedy tokens a plain-PyTorch forward pass gave (make_fixtures.py).
/// </summary>
internal sealed record FamilyFixtures(long[] Tokens, float[] InverseFrequencies, float[][] Logits, long[] GreedyPrompt, long[] Greedy)
{
    public static readonly string[] Names = ["llama32", "tinyllama", "llama-dynamic", "qwen25", "qwen3", "mistral"];

    public static string Folder(string name) => SharedAssets.Fixture(Path.Combine("families", name));

    public static LlamaForCausalLM Model(string name) => LlamaLoader.Load(Folder(name));

    public static FamilyFixtures Reference(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder(name), "reference.json")));
        var root = document.RootElement;
        long[] Longs(string key) => root.GetProperty(key).EnumerateArray().Select(t => t.GetInt64()).ToArray();
        return new FamilyFixtures(
            Longs("tokens"),
            root.GetProperty("inv_freq").EnumerateArray().Select(v => v.GetSingle()).ToArray(),
            root.GetProperty("logits").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray(),
            Longs("greedy_prompt"),
            Longs("greedy"));
    }
}
