using System.Text.Json.Nodes;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using Workflows.Torch.Adapters;
using Workflows.Torch.Checkpoints;
using Workflows.Torch.Llama;
using Workflows.Torch.Merging;
using static TorchSharp.torch;

namespace Workflows.Torch.Tests.Adapters;

public class TrainableTokensTests
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<int>> TwoNewTokens =
        new Dictionary<string, IReadOnlyList<int>> { [TrainableTokenRows.Embedding] = [512, 513] };

    private static Tensor IdsWithNewTokens() => tensor(new long[] { 1, 403, 512, 261, 378, 513 }, [1, 6]);

    private static Tensor Logits(LlamaForCausalLM model)
    {
        using var noGrad = no_grad();
        using var ids = IdsWithNewTokens();
        return model.forward(ids);
    }

    private static void Perturb(LlamaForCausalLM model)
    {
        using var noGrad = no_grad();
        foreach (var (_, rows) in TrainableTokenRows.Tensors(model)) rows.add_(randn(rows.shape, generator: new Generator(5)) * 0.5);
    }

    [Test]
    public void ResizeTokenEmbeddings_Tied_NewRowsAreTheMeanAndOldLogitsStay()
    {
        var model = AdapterModels.Fresh();
        using var before = AdapterModels.Logits(model);
        model.ResizeTokenEmbeddings(514);
        var weight = model.model.embed_tokens.weight!.data<float>().ToArray();
        for (var c = 0; c < 64; c++)
        {
            var mean = Enumerable.Range(0, 512).Average(r => (double)weight[(r * 64) + c]);
            Assert.That(weight[(512 * 64) + c], Is.EqualTo(mean).Within(1e-6));
            Assert.That(weight[(513 * 64) + c], Is.EqualTo(weight[(512 * 64) + c]));
        }

        using var after = AdapterModels.Logits(model);
        Assert.That(model.Config.VocabSize, Is.EqualTo(514));
        Assert.That(after.shape[^1], Is.EqualTo(514));
        Assert.That(TensorAssert.Identical(after[.., .., ..512], before), Is.True);
    }

    [Test]
    public void ResizeTokenEmbeddings_Untied_GrowsTheHeadWithItsMeanRow()
    {
        var model = LlamaLoader.CreateRandom(AdapterModels.Fresh().Config with { TieWordEmbeddings = false }, seed: 3);
        model.ResizeTokenEmbeddings(513);
        var head = ((Linear)model.lm_head!).weight!;
        using var expected = head[..512].mean([0]);
        Assert.That(head.shape, Is.EqualTo(new long[] { 513, 64 }));
        Assert.That(head[512].allclose(expected, rtol: 0, atol: 1e-6), Is.True);
    }

    [Test]
    public void Attach_TrainsOnlyTheNewRows()
    {
        var model = AdapterModels.Fresh();
        AdapterInjector.Apply(model, new LoraConfig { Rank = 2, TargetModules = ["q_proj"] });
        TrainableTokenRows.Attach(model, TwoNewTokens);
        using var logits = model.forward(IdsWithNewTokens());
        logits[.., .., 513].sum().backward();
        var rows = model.model.embed_tokens_rows!.trainable_tokens_delta;
        Assert.That(model.model.embed_tokens.weight!.requires_grad, Is.False);
        Assert.That(rows.grad, Is.Not.Null);
        Assert.That(rows.grad!.abs().sum(1).data<float>().ToArray(), Has.All.GreaterThan(0f));   // both rows: as inputs and through the tied head
        Assert.That(AdapterInjector.TrainableParameters(model).Select(p => p.Name), Does.Contain("model.embed_tokens_rows.trainable_tokens_delta"));
    }

    [Test]
    public void Load_SavedAdapterWithTrainableTokens_ResizesTheBaseAndReproducesLogits()
    {
        using var folder = new TemporaryFolder();
        var config = new LoraConfig { Rank = 2, TargetModules = ["q_proj", "v_proj"], TrainableTokenIndices = TwoNewTokens };
        var trained = AdapterModels.Fresh();
        AdapterInjector.Apply(trained, config, seed: 1);
        AdapterModels.Perturb(trained, 2);
        TrainableTokenRows.Attach(trained, TwoNewTokens);
        Perturb(trained);
        PeftAdapterFiles.Save(trained, config, folder.Path);

        var loaded = AdapterModels.Fresh();
        var read = PeftAdapterFiles.Load(loaded, folder.Path);
        Assert.That(loaded.Config.VocabSize, Is.EqualTo(514));
        Assert.That(read.TrainableTokenIndices!["embed_tokens"], Is.EqualTo(new[] { 512, 513 }));
        using var expected = Logits(trained);
        Assert.That(TensorAssert.Identical(Logits(loaded), expected), Is.True);
    }

    [Test]
    public void Save_TrainableTokens_WritesPeftKeyAndConfig()
    {
        using var folder = new TemporaryFolder();
        var config = new LoraConfig { Rank = 2, TargetModules = ["q_proj"], TrainableTokenIndices = TwoNewTokens };
        var model = AdapterModels.Fresh();
        AdapterInjector.Apply(model, config);
        TrainableTokenRows.Attach(model, TwoNewTokens);
        PeftAdapterFiles.Save(model, config, folder.Path);

        using var file = SafetensorsFile.Open(folder.File(PeftAdapterFiles.WeightsFile));
        Assert.That(file.GetShape("base_model.model.model.embed_tokens.token_adapter.trainable_tokens_delta"), Is.EqualTo(new long[] { 2, 64 }));
        var json = JsonNode.Parse(File.ReadAllText(folder.File(PeftAdapterFiles.ConfigFile)))!;
        Assert.That(json["trainable_token_indices"]!.ToJsonString(), Is.EqualTo("{\"embed_tokens\":[512,513]}"));

        using var plain = new TemporaryFolder();
        var lora = AdapterModels.Fresh();
        AdapterInjector.Apply(lora, config with { TrainableTokenIndices = null });
        PeftAdapterFiles.Save(lora, config with { TrainableTokenIndices = null }, plain.Path);
        Assert.That(JsonNode.Parse(File.ReadAllText(plain.File(PeftAdapterFiles.ConfigFile)))!.AsObject().ContainsKey("trainable_token_indices"), Is.False);
    }

    [Test]
    public void For_UntiedHead_TrainsTheHeadRowsToo()
    {
        var untied = LlamaLoader.CreateRandom(AdapterModels.Fresh().Config with { TieWordEmbeddings = false }, seed: 3);
        Assert.That(TrainableTokenRows.For(untied, [512]).Keys, Is.EqualTo(new[] { "embed_tokens", "lm_head" }));
        Assert.That(TrainableTokenRows.For(AdapterModels.Fresh(), [512]).Keys, Is.EqualTo(new[] { "embed_tokens" }));
    }

    [Test]
    public void MergeAll_TrainableTokens_PutsTheRowsInAPlainModelThatSavesAndLoads()
    {
        using var folder = new TemporaryFolder();
        var model = AdapterModels.Fresh();
        AdapterInjector.Apply(model, new LoraConfig { Rank = 2, TargetModules = ["q_proj"] });
        AdapterModels.Perturb(model, 3);
        TrainableTokenRows.Attach(model, TwoNewTokens);
        Perturb(model);
        using var adapted = Logits(model);

        var merged = AdapterMerger.MergeAll(model, ScalarType.Float32);
        Assert.That(merged, Does.Contain("model.embed_tokens"));
        Assert.That(model.model.embed_tokens_rows, Is.Null);
        LlamaSaver.Save(model, folder.Path);
        var reloaded = LlamaLoader.Load(folder.Path);
        Assert.That(reloaded.Config.VocabSize, Is.EqualTo(514));
        Assert.That(Logits(reloaded).allclose(adapted, rtol: 0, atol: 1e-4), Is.True);
    }

    [Test]
    public void MergeAll_RowWithNaN_RefusesBeforeReplacingAnyLayer()
    {
        var model = AdapterModels.Fresh();
        AdapterInjector.Apply(model, new LoraConfig { Rank = 2, TargetModules = ["q_proj"] });
        TrainableTokenRows.Attach(model, TwoNewTokens);
        using (no_grad()) model.model.embed_tokens_rows!.trainable_tokens_delta[0, 0] = float.NaN;

        var error = Assert.Throws<InvalidOperationException>(() => AdapterMerger.MergeAll(model, ScalarType.Float32));
        Assert.That(error!.Message, Does.Contain("NaN or Inf").And.Contain("nothing was merged"));
        Assert.That(AdapterInjector.Adapters(model), Is.Not.Empty, "the LoRA layers must still be in place");
        Assert.That(model.model.embed_tokens_rows, Is.Not.Null);
    }

    [Test]
    public void Load_UntiedHeadRows_RoundTripUnderThePeftLmHeadKey()
    {
        using var folder = new TemporaryFolder();
        var untied = AdapterModels.Fresh().Config with { TieWordEmbeddings = false };
        var trained = LlamaLoader.CreateRandom(untied, seed: 3);
        var indices = TrainableTokenRows.For(trained, [512]);
        var config = new LoraConfig { Rank = 2, TargetModules = ["q_proj"], TrainableTokenIndices = indices };
        AdapterInjector.Apply(trained, config);
        TrainableTokenRows.Attach(trained, indices);
        Perturb(trained);
        PeftAdapterFiles.Save(trained, config, folder.Path);

        var loaded = LlamaLoader.CreateRandom(untied, seed: 3);
        PeftAdapterFiles.Load(loaded, folder.Path);
        using var file = SafetensorsFile.Open(folder.File(PeftAdapterFiles.WeightsFile));
        Assert.That(file.GetShape("base_model.model.lm_head.token_adapter.trainable_tokens_delta"), Is.EqualTo(new long[] { 1, 64 }));
        using var ids = tensor(new long[] { 1, 403, 512 }, [1, 3]);
        using var noGrad = no_grad();
        Assert.That(TensorAssert.Identical(loaded.forward(ids), trained.forward(ids)), Is.True);
    }

    [Test]
    public void Disabled_GivesTheRowsAsAttached()
    {
        var model = AdapterModels.Fresh();
        AdapterInjector.Apply(model, new LoraConfig { Rank = 2, TargetModules = ["q_proj"] });
        TrainableTokenRows.Attach(model, TwoNewTokens);
        using var initial = Logits(model);
        Perturb(model);
        using var trained = Logits(model);
        foreach (var rows in TrainableTokenRows.All(model)) rows.Disabled = true;
        Assert.That(TensorAssert.Identical(Logits(model), initial), Is.True);
        Assert.That(TensorAssert.Identical(trained, initial), Is.False);
    }

    [Test]
    public void HeadWeight_TiedWithRows_IsTheEmbeddingWithTheTrainedRows()
    {
        var model = AdapterModels.Fresh();
        TrainableTokenRows.Attach(model, TwoNewTokens);
        Perturb(model);
        using var head = model.HeadWeight()!;
        using var noGrad = no_grad();
        Assert.That(head[512].allclose(model.model.embed_tokens_rows!.trainable_tokens_delta[0]), Is.True);
        Assert.That(head[..512].allclose(model.model.embed_tokens.weight![..512]), Is.True);
        Assert.That(head[512].allclose(model.model.embed_tokens.weight![512]), Is.False, "the frozen matrix keeps its mean row");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Lookup_Ids_AreTheRowsOfTheAppliedMatrixWithTheirGradients(bool disabled)
    {
        using var weight = randn([10, 4], generator: new Generator(2)).requires_grad_(true);
        var rows = new TrainableTokens(weight, [7, 3]) { Disabled = disabled };
        using (no_grad()) rows.trainable_tokens_delta.add_(randn([2, 4], generator: new Generator(3)));
        using var ids = tensor(new long[] { 3, 0, 7, 7, 9, 3 }, [2, 3]);
        using var upstream = randn([6, 4], generator: new Generator(4));

        Tensor[] Gradients(Tensor looked) => [.. autograd.grad([(looked * upstream).sum()], [weight, rows.trainable_tokens_delta], allow_unused: true)
            .Select(g => g.IsInvalid ? zeros(1) : g)];
        var expected = rows.Apply(weight).index_select(0, ids.reshape(-1));
        var actual = rows.Lookup(weight, ids);

        Assert.That(TensorAssert.Identical(actual, expected), Is.True);
        var (expectedGrads, actualGrads) = (Gradients(expected), Gradients(actual));
        for (var i = 0; i < 2; i++) Assert.That(actualGrads[i].allclose(expectedGrads[i]), Is.True, i == 0 ? "weight" : "rows");
        Assert.That(actualGrads[1].abs().sum().item<float>() > 0, Is.EqualTo(!disabled), "the trained rows get gradients unless disabled");
    }
}
