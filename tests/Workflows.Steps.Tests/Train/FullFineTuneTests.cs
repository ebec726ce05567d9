using System.Text.Json.Nodes;
using Workflows.Steps.Tests.TestSupport;
using Workflows.Steps.Train;
using Workflows.Torch.Chat;
using Workflows.Torch.Checkpoints;
using Workflows.Torch.Generation;
using Workflows.Torch.Llama;
using static TorchSharp.torch;

namespace Workflows.Steps.Tests.Train;

/// <summary><c>method: full</c> trains stories260K's own weights and writes a model folder; continued pre-training
/// trains every token of packed text rows.</summary>
[TestFixture]
public sealed class FullFineTuneTests
{
    private static async Task<TrainOptions> FullAsync(TestStepContext context, FreezeOptions? freeze = null) =>
        await TrainTestData.OptionsAsync(context, validation: true) with { Method = TrainMethod.Full, Freeze = freeze, Optimizer = new OptimizerOptions { Lr = 0.003 } };

    private static float[] Weight(string folder, string name)
    {
        using var file = SafetensorsFile.Open(Path.Combine(folder, "model.safetensors"));
        using var tensor = file.Read(name);
        return tensor.to_type(ScalarType.Float32).data<float>().ToArray();
    }

    [Test]
    public async Task RunAsync_Full_WritesAModelFolderThatLoadsWithLowerValidationLoss()
    {
        using var context = new TestStepContext();
        var options = await FullAsync(context);
        var result = await new TrainStep().RunAsync(options, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        Assert.That(context.Outputs.Keys, Is.EquivalentTo(new[] { "model" }));
        var folder = context.Outputs["model"];
        foreach (var name in new[] { "config.json", "model.safetensors", "tokenizer.model", "generation_config.json", TrainingSummary.FileName })
            Assert.That(File.Exists(Path.Combine(folder, name)), Is.True, name);
        Assert.That(result.Metrics["best_val_loss"], Is.LessThan(result.Metrics["base_val_loss"] * 0.8));
        using var trained = LlamaLoader.Load(folder);
        using var original = LlamaLoader.Load(TrainTestData.Model);
        Assert.That(context.Logs, Has.Some.Contains($"{original.parameters().Sum(p => p.numel()):N0} trainable parameters"), "every weight trains");
        var data = TrainingData.Build(TrainTestData.Persona(4), options, Workflows.Torch.Tokenization.TokenizerLoader.ForModel(folder, trained.Config), 512, "v").Data!;
        double Loss(LlamaForCausalLM model) => new Trainer(model, TrainModel.AdapterConfig(options), options, context, data, null).Loss(data);
        Assert.That(Loss(trained), Is.EqualTo(result.Metrics["best_val_loss"]).Within(1e-4), "the folder holds the best weights");
        Assert.That(Loss(trained), Is.LessThan(Loss(original)));
    }

    [Test]
    public async Task RunAsync_FullBfloat16_WritesBfloat16WeightsWithLowerValidationLoss()
    {
        using var context = new TestStepContext();
        var options = await FullAsync(context) with { Dtype = TrainDtype.Bfloat16 };
        var result = await new TrainStep().RunAsync(options, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        var folder = context.Outputs["model"];
        Assert.That((string?)JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!["torch_dtype"], Is.EqualTo("bfloat16"));
        using (var file = SafetensorsFile.Open(Path.Combine(folder, "model.safetensors")))
            Assert.That(file.Tensors.Select(t => t.Dtype).Distinct(), Is.EquivalentTo(new[] { SafetensorsDtype.BF16 }));
        Assert.That(result.Metrics["best_val_loss"], Is.LessThan(result.Metrics["base_val_loss"] * 0.8));
        foreach (var name in new[] { "model.layers.0.self_attn.q_proj.weight", "model.norm.weight", "model.embed_tokens.weight" })
            Assert.That(Weight(folder, name), Is.Not.EqualTo(Weight(TrainTestData.Model, name)), name);
    }

    [Test]
    public async Task RunAsync_FullWithFreeze_KeepsEmbeddingsAndFirstLayersAndTrainsTheRest()
    {
        using var context = new TestStepContext();
        var options = await FullAsync(context, new FreezeOptions { Embeddings = true, Layers = 2 });
        var result = await new TrainStep().RunAsync(options, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        var folder = context.Outputs["model"];
        var source = Path.Combine(TrainTestData.Model);
        foreach (var name in new[] { "model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight", "model.layers.1.mlp.down_proj.weight" })
            Assert.That(Weight(folder, name), Is.EqualTo(Weight(source, name)), name);
        foreach (var name in new[] { "model.layers.2.self_attn.q_proj.weight", "model.layers.4.mlp.down_proj.weight", "model.norm.weight" })
            Assert.That(Weight(folder, name), Is.Not.EqualTo(Weight(source, name)), name);
    }

    [Test]
    public async Task RunAsync_FullKilledAfterCheckpointThenRerun_ReachesSameWeightsAsUninterrupted()
    {
        using var straight = new TestStepContext();
        var options = await FullAsync(straight) with { Validation = null };
        Assert.That((await new TrainStep().RunAsync(options, straight, CancellationToken.None)).Error, Is.Null);

        using var interrupted = new TestStepContext();
        using var kill = new CancellationTokenSource();
        interrupted.OnProgress = fraction => { if (fraction >= 4.0 / 6) kill.Cancel(); };       // after step 4; checkpoint at 3
        Assert.That(async () => await new TrainStep().RunAsync(options, interrupted, kill.Token), Throws.InstanceOf<OperationCanceledException>());
        interrupted.OnProgress = null;
        Assert.That((await new TrainStep().RunAsync(options, interrupted, CancellationToken.None)).Error, Is.Null);

        Assert.That(interrupted.Logs, Has.Some.Contain("resuming from the checkpoint at step 3"));
        using var expected = SafetensorsFile.Open(Path.Combine(straight.Outputs["model"], "model.safetensors"));
        using var resumed = SafetensorsFile.Open(Path.Combine(interrupted.Outputs["model"], "model.safetensors"));
        Assert.That(resumed.Names, Is.EquivalentTo(expected.Names));
        foreach (var name in expected.Names) Assert.That(resumed.ReadBytes(name), Is.EqualTo(expected.ReadBytes(name)), name);
    }

    [Test]
    public async Task RunAsync_FreezingMoreLayersThanTheModelHas_FailsNamingTheCount()
    {
        using var context = new TestStepContext();
        var result = await new TrainStep().RunAsync(await FullAsync(context, new FreezeOptions { Layers = 6 }), context, CancellationToken.None);
        Assert.That(result.Error, Does.Contain("freeze.layers is 6 but the model has 5 layers"));
    }

    [Test]
    public async Task RunAsync_ContinuedPretrainingOnPackedText_TrainsEveryTokenOfFullSequences()
    {
        using var context = new TestStepContext();
        var text = Enumerable.Range(0, 12).Select(i => Rows.Text(string.Concat(Enumerable.Repeat($"Once upon a time, a little fox named Pip found {i} red apples in the big green forest. ", 1 + (i % 3))), i + 1)).ToList();
        var options = await FullAsync(context) with { Train = await Rows.WriteDatasetAsync(context, text), Validation = null, Packing = true, MaxSeqLen = 64, BatchSize = 2 };
        var tokenizer = Workflows.Torch.Tokenization.TokenizerLoader.ForModel(TrainTestData.Model, LlamaConfig.Load(Path.Combine(TrainTestData.Model, "config.json")));
        var (data, _) = TrainingData.Build(text, options, tokenizer, 64, "train");

        var (whole, _) = TrainingData.Build(text, options with { Packing = false, MaxSeqLen = 4096 }, tokenizer, 4096, "train");

        Assert.That(whole!.Examples.Max(e => e.Ids.Length), Is.GreaterThan(64), "some rows are longer than a sequence");
        Assert.That(data!.Truncated, Is.Zero);
        Assert.That(data.Examples.Sum(e => e.Ids.Length), Is.EqualTo(whole.Examples.Sum(e => e.Ids.Length)), "nothing is cut away");
        Assert.That(data.Examples.Take(data.Examples.Count - 1), Has.All.Matches<TokenisedExample>(e => e.Ids.Length == 64));
        var bos = data.Examples.Sum(e => e.Ids.Count(id => id == tokenizer.BosId));
        Assert.That(data.TrainedTokens, Is.EqualTo(data.Examples.Sum(e => e.Ids.Length) - bos), "every token but BOS carries the loss");
        var result = await new TrainStep().RunAsync(options, context, CancellationToken.None);
        Assert.That(result.Error, Is.Null);
        Assert.That(result.Metrics["final_train_loss"], Is.LessThan(context.MetricHistory.First(m => m.Key == "loss").Value));
    }

    [TestCase(TrainDtype.Float32)]
    [TestCase(TrainDtype.Bfloat16)]
    public async Task RunAsync_FullChatmlWithAddedTokens_WritesAModelFolderWhoseChatEndsAtItsEndOfTurn(TrainDtype dtype)
    {
        using var context = new TestStepContext();
        var options = await TrainTestData.OptionsAsync(context) with
        {
            Method = TrainMethod.Full, Dtype = dtype, Optimizer = new OptimizerOptions { Lr = 0.003 }, Template = PromptTemplate.Chatml,
            AddSpecialTokens = [TrainOptions.AutoTokens], MaxSteps = 40, CheckpointEvery = 100,
        };
        var result = await new TrainStep().RunAsync(options, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        var folder = context.Outputs["model"];
        Assert.That(context.Logs, Has.Some.Contains("vocabulary 512 → 514, their rows of embed_tokens train with the model"));
        Assert.That((int?)JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!["vocab_size"], Is.EqualTo(514));
        Assert.That(JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "generation_config.json")))!["eos_token_id"]!.AsArray().Select(e => (int)e!), Does.Contain(512),
            "the end of turn stops generation, as after a merge");
        using var model = LlamaLoader.Load(folder);
        var tokenizer = Workflows.Torch.Tokenization.TokenizerLoader.ForModel(folder, model.Config);
        var chat = ChatTemplate.Load("auto", folder, tokenizer);
        Assert.That((chat.EndOfTurnId, tokenizer.Encode("<|im_start|>", addBos: false).Single()), Is.EqualTo((512, 513)));
        using var start = LlamaLoader.Load(TrainTestData.Model).model.embed_tokens.weight!.mean([0]);
        Assert.That((model.model.embed_tokens.weight![512] - start).abs().max().item<float>(), Is.GreaterThan(1e-3f), "the new row trained off its mean");

        var prompt = chat.Render([new ChatTurn("user", "Who are you? (0)")], addGenerationPrompt: true);
        var reply = TextGenerator.Generate(model, tokenizer, prompt, new GenerationOptions { MaxTokens = 40, AddBos = false, StopTokenIds = [512] });
        Assert.That(reply.StopReason, Is.EqualTo(StopReason.EndOfSequence), reply.Text);
    }

    [Test]
    public void Validate_FullWithAddedTokensAndFrozenEmbeddings_IsAnError()
    {
        var full = new TrainOptions { Model = "m", Train = "t", Method = TrainMethod.Full, Template = PromptTemplate.Chatml, AddSpecialTokens = [TrainOptions.AutoTokens] };
        Assert.That(full.Validate(), Is.Empty);
        Assert.That((full with { Freeze = new FreezeOptions { Embeddings = true } }).Validate().Single().Message, Does.Contain("would never train"));
    }

    [Test]
    public void Validate_FreezeWithLora_IsAnError_FullWithAnyObjectiveOrBfloat16IsNot()
    {
        var full = new TrainOptions { Model = "m", Train = "t", Method = TrainMethod.Full };
        Assert.That(full.Validate(), Is.Empty);
        foreach (var objective in Enum.GetValues<TrainObjective>())
            Assert.That((full with { Objective = objective }).Validate(), Is.Empty, $"{objective}: the reference of dpo and kto is a frozen copy of the base");
        Assert.That((full with { Dtype = TrainDtype.Bfloat16 }).Validate(), Is.Empty, "bfloat16 weights with float32 master copies");
        Assert.That((full with { Method = TrainMethod.Lora, Freeze = new FreezeOptions { Layers = 1 } }).Validate().Single().Key, Is.EqualTo("freeze"));
    }
}
