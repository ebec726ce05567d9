using System.Text.Json.Nodes;
using NUnit.Framework;
using TorchSharp;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Llama;

public class LlamaFamiliesTests
{
    private static readonly string[] Families = FamilyFixtures.Names;

    [TestCaseSource(nameof(Families))]
    public void Forward_TinyFamilyCheckpoint_MatchesPyTorchReferenceWithin1e4(string family)
    {
        var reference = FamilyFixtures.Reference(family);
        using var model = FamilyFixtures.Model(family);
        var difference = MaxDifference(model, reference);
        TestContext.Out.WriteLine($"{family} ({model.Config.ModelType}): max |logit - reference| = {difference:E2} over {reference.Tokens.Length} positions");
        Assert.That(difference, Is.LessThan(1e-4));
    }

    [TestCaseSource(nameof(Families))]
    public void RopeFrequencies_TinyFamilyConfig_EqualTransformersFrequencies(string family)
    {
        var reference = FamilyFixtures.Reference(family);
        var config = LlamaConfig.Load(Path.Combine(FamilyFixtures.Folder(family), "config.json"));
        using var frequencies = RopeFrequencies.Compute(config, reference.Tokens.Length);
        var ours = frequencies.data<float>().ToArray();
        Assert.That(ours, Has.Length.EqualTo(reference.InverseFrequencies.Length));
        for (var i = 0; i < ours.Length; i++)
        {
            Assert.That(ours[i], Is.EqualTo(reference.InverseFrequencies[i]).Within(1e-6).Percent, $"frequency {i}");
        }
    }

    [TestCaseSource(nameof(Families))]
    public void Decode_GreedyWithKvCache_EqualsPyTorchGreedyAndUncachedForward(string family)
    {
        var reference = FamilyFixtures.Reference(family);
        using var model = FamilyFixtures.Model(family);
        using var noGrad = no_grad();
        var tokens = reference.GreedyPrompt.ToList();
        using var cache = new KvCache(model.Config, 1, 64, CPU, ScalarType.Float32);
        var fresh = tokens.ToArray();
        var worst = 0f;
        for (var step = 0; step < reference.Greedy.Length; step++)
        {
            using var cached = model.forward(tensor(fresh, [1, fresh.Length]), cache);                 // (1, T, vocab)
            using var full = model.forward(tensor(tokens.ToArray(), [1, tokens.Count]));               // (1, S, vocab)
            using var cachedLast = cached[0, -1];
            using var fullLast = full[0, -1];
            worst = Math.Max(worst, (cachedLast - fullLast).abs().max().item<float>());
            var next = fullLast.argmax().item<long>();
            Assert.That(cachedLast.argmax().item<long>(), Is.EqualTo(next), $"step {step}: cached and uncached decoding disagree");
            tokens.Add(next);
            fresh = [next];
        }

        TestContext.Out.WriteLine($"{family}: {tokens.Count} tokens, max |cached - uncached| = {worst:E2}");
        Assert.That(tokens.Skip(reference.GreedyPrompt.Length), Is.EqualTo(reference.Greedy));
        Assert.That(worst, Is.LessThan(1e-4f));
    }

    [Test]
    public void Forward_MistralCacheInChunksPastTheWindow_EqualsFullForward()
    {
        using var model = FamilyFixtures.Model("mistral");
        Assert.That(model.Config.AttentionWindow, Is.EqualTo(8));
        var tokens = FamilyFixtures.Reference("mistral").Tokens;                                      // 20 tokens, window 8
        using var noGrad = no_grad();
        using var ids = tensor(tokens, [1, tokens.Length]);
        using var full = model.forward(ids);
        using var cache = new KvCache(model.Config, 1, 32, CPU, ScalarType.Float32);
        var parts = new List<Tensor>();
        foreach (var (start, length) in new (long, long)[] { (0, 5), (5, 6), (11, 1), (12, 5), (17, 1), (18, 2) })
        {
            parts.Add(model.forward(ids.narrow(1, start, length), cache));
        }

        using var chunked = cat(parts, 1);
        parts.ForEach(p => p.Dispose());
        Assert.That((chunked - full).abs().max().item<float>(), Is.LessThan(1e-5f));
    }

    [TestCase("mistral", "sliding_window", "null")]
    [TestCase("llama32", "rope_scaling", "null")]
    [TestCase("llama-dynamic", "rope_scaling", "null")]
    [TestCase("tinyllama", "rope_scaling", "null")]
    [TestCase("qwen3", "model_type", "\"llama\"")]
    public void Forward_FeatureSwitchedOff_NoLongerMatchesReference(string family, string key, string value)
    {
        // The reference check can fail: the same weights without the family's feature give other logits.
        using var folder = new TemporaryFolder();
        var source = FamilyFixtures.Folder(family);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "config.json")))!.AsObject();
        Assert.That(config[key]?.ToJsonString(), Is.Not.EqualTo(value));
        config[key] = JsonNode.Parse(value);
        File.WriteAllText(folder.File("config.json"), config.ToJsonString());
        File.Copy(Path.Combine(source, "model.safetensors"), folder.File("model.safetensors"));
        if (family == "qwen3")
        {
            // A llama has no q/k norms: the loader refuses the checkpoint by naming them.
            var error = Expect.Failure<ModelLoadException>(() => LlamaLoader.Load(folder.Path));
            Assert.That(error.Message, Does.Match("unexpected tensor '.*_norm.weight'"));
            return;
        }

        using var model = LlamaLoader.Load(folder.Path);
        Assert.That(MaxDifference(model, FamilyFixtures.Reference(family)), Is.GreaterThan(1e-2));
    }

    private static double MaxDifference(LlamaForCausalLM model, FamilyFixtures reference)
    {
        using var noGrad = no_grad();
        using var logits = model.forward(tensor(reference.Tokens, [1, reference.Tokens.Length]));     // (1, T, vocab)
        using var expected = tensor(reference.Logits.SelectMany(r => r).ToArray(), [1, reference.Logits.Length, reference.Logits[0].Length]);
        return (logits - expected).abs().max().item<float>();
    }
}
