using Workflows.Steps.Merge;
using Workflows.Steps.Tests.TestSupport;
using Workflows.Torch.Adapters;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;
using static TorchSharp.torch;

namespace Workflows.Steps.Tests.Merge;

/// <summary>Merge rebuilds the base an adapter records, and its drift check, run against the adapter on a
/// separately loaded base, fails when the merged model sits on any other base.</summary>
public class MergeBaseTests
{
    private static readonly string[] Prompts = ["Once upon a time", "Hello! Who are you?"];

    [Test]
    public async Task RunAsync_QloraAdapterRecordingBlock128_MergesWithRecordedSettingsAndOtherQuantisationFailsTheCheck()
    {
        using var context = new TestStepContext();
        var adapter = TinyAdapters.Write(Path.Combine(context.Root, "inputs", "q"), 1, quantised: true, blockSize: 128);
        var result = await new MergeStep().RunAsync(new MergeOptions { BaseModel = TinyAdapters.Stories260K, Adapters = [adapter] }, context, CancellationToken.None);
        Assert.That(result.Error, Is.Null);
        Assert.That(context.Metrics["merge_drift"], Is.LessThan(1e-4));
        Assert.That(context.Logs, Has.Some.Contains("NF4 base as trained (NF4, block 128, double quantisation"));

        using var merged = LlamaLoader.Load(context.Outputs["model"]);
        var tokenizer = TokenizerLoader.ForModel(TinyAdapters.Stories260K, merged.Config);
        var block64 = LogitDrift.AgainstRuntime(merged, tokenizer, TinyAdapters.Stories260K, adapter, new Nf4Options { BlockSize = 64, ComputeDtype = ScalarType.Float32 }, Prompts);
        var fullPrecision = LogitDrift.AgainstRuntime(merged, tokenizer, TinyAdapters.Stories260K, adapter, null, Prompts);
        TestContext.Out.WriteLine($"drift against block 64: {block64:G3}; against the full-precision base: {fullPrecision:G3}");
        Assert.That(block64, Is.GreaterThan(new MergeOptions { BaseModel = "b", Adapters = ["a"] }.MaxDrift));
        Assert.That(fullPrecision, Is.GreaterThan(1e-3));
    }

    [Test]
    public async Task AgainstRuntime_ModelMergedOntoAWrongBase_ExceedsMaxDrift()
    {
        using var first = new TestStepContext();
        var a = TinyAdapters.Write(Path.Combine(first.Root, "inputs", "a"), 1);
        Assert.That((await new MergeStep().RunAsync(new MergeOptions { BaseModel = TinyAdapters.Stories260K, Adapters = [a] }, first, CancellationToken.None)).Error, Is.Null);
        var wrongBase = first.Outputs["model"];                                  // stories260K with adapter a folded in
        using var second = new TestStepContext();
        var b = TinyAdapters.Write(Path.Combine(second.Root, "inputs", "b"), 2);
        Assert.That((await new MergeStep().RunAsync(new MergeOptions { BaseModel = wrongBase, Adapters = [b] }, second, CancellationToken.None)).Error, Is.Null);

        using var mergedOntoWrongBase = LlamaLoader.Load(second.Outputs["model"]);
        var tokenizer = TokenizerLoader.ForModel(TinyAdapters.Stories260K, mergedOntoWrongBase.Config);
        var drift = LogitDrift.AgainstRuntime(mergedOntoWrongBase, tokenizer, TinyAdapters.Stories260K, b, null, Prompts);
        TestContext.Out.WriteLine($"drift of b merged onto the wrong base: {drift:G3}");
        Assert.That(drift, Is.GreaterThan(1e-3));
    }

    [Test]
    public async Task RunAsync_AdapterClaimingQloraWithoutItsRecord_RefusedWithClearMessage()
    {
        using var context = new TestStepContext();
        var adapter = TinyAdapters.Write(Path.Combine(context.Root, "inputs", "a"), 1);
        File.WriteAllText(Path.Combine(adapter, "training_summary.json"), "{ \"method\": \"qlora\" }");
        var result = await new MergeStep().RunAsync(new MergeOptions { BaseModel = TinyAdapters.Stories260K, Adapters = [adapter] }, context, CancellationToken.None);
        Assert.That(result.Error, Does.Contain("says method qlora").And.Contain("records no base_model_quantization"));
        Assert.That(context.Outputs, Is.Empty);
    }
}
