using System.Text.Json.Nodes;
using Workflows.Steps.Adapters;
using Workflows.Steps.Merge;
using Workflows.Steps.Package;
using Workflows.Steps.Tests.TestSupport;
using Workflows.Steps.Train;
using Workflows.Torch.Adapters;
using Workflows.Torch.Chat;
using Workflows.Torch.Checkpoints;
using Workflows.Torch.Engine;
using Workflows.Torch.Generation;
using Workflows.Torch.Gguf;
using static TorchSharp.torch;

namespace Workflows.Steps.Tests.Train;

/// <summary>Chat-template markers added as tokens (add_special_tokens: [auto]) on stories260K, whose
/// 512 pieces lack them: trained, shipped with the adapter, merged and packaged for llama.cpp.</summary>
[TestFixture]
public sealed class AddedTokensTrainTests
{
    private static readonly Lazy<Task<string>> Adapter = new(TrainAsync);
    private static TestStepContext? _context;

    // One training run shared by the tests below: 40 steps on eight persona rows in ChatML.
    private static async Task<string> TrainAsync()
    {
        _context = new TestStepContext();
        var options = await TrainTestData.OptionsAsync(_context) with
        {
            Template = PromptTemplate.Chatml, AddSpecialTokens = [TrainOptions.AutoTokens], MaxSteps = 40, CheckpointEvery = 100,
            Lora = new LoraOptions { Rank = 4, Alpha = 8, Dropout = 0, TargetModules = ["q_proj", "v_proj", "up_proj", "down_proj"] },
        };
        var result = await new TrainStep().RunAsync(options, _context, CancellationToken.None);
        Assert.That(result.Error, Is.Null);
        return _context.Outputs["adapter"];
    }

    [OneTimeTearDown]
    public void TearDown() => _context?.Dispose();

    [Test]
    public async Task RunAsync_ChatmlAutoTokens_AddsTheMarkersAndTrainsTheirRows()
    {
        var folder = await Adapter.Value;
        var config = PeftAdapterFiles.ReadConfig(folder);
        Assert.That(config.TrainableTokenIndices!["embed_tokens"], Is.EqualTo(new[] { 512, 513 }));
        var added = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "added_tokens.json")))!;
        Assert.That((int?)added["<|im_end|>"], Is.EqualTo(512));                                     // missing markers in ordinal order
        Assert.That((int?)added["<|im_start|>"], Is.EqualTo(513));
        Assert.That((string?)JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer_config.json")))!["chat_template"], Is.EqualTo(ChatTemplate.BuiltInSource("chatml")));

        using var file = SafetensorsFile.Open(Path.Combine(folder, PeftAdapterFiles.WeightsFile));
        using var rows = file.Read("base_model.model.model.embed_tokens.token_adapter.trainable_tokens_delta");
        using var start = Workflows.Torch.Llama.LlamaLoader.Load(TrainTestData.Model).model.embed_tokens.weight!.mean([0]);
        Assert.That((rows - start).abs().max().item<float>(), Is.GreaterThan(1e-3f), "the rows moved off their mean initialisation");
    }

    [Test]
    public async Task Generate_TunedAdapter_StopsAtTheEndOfTurnToken()
    {
        var folder = await Adapter.Value;
        var loaded = DeviceEngine.Shared.Load(TrainTestData.Model, new ModelLoadOptions());
        using var applied = AdapterSupport.Applier.Apply(loaded, folder);
        var tokenizer = applied.Tokenizer!;
        var chat = ChatTemplate.Load("auto", folder, tokenizer);
        Assert.That(chat.EndOfTurnId, Is.EqualTo(512));
        Assert.That(applied.Model.Config.VocabSize, Is.EqualTo(514));

        var prompt = chat.Render([new ChatTurn("user", "Who are you? (0)")], addGenerationPrompt: true);
        var options = new GenerationOptions { MaxTokens = 40, AddBos = false, StopTokenIds = [512] };
        var tuned = TextGenerator.Generate(applied.Model, tokenizer, prompt, options);
        Assert.That(tuned.StopReason, Is.EqualTo(StopReason.EndOfSequence), tuned.Text);
        var free = TextGenerator.Generate(applied.Model, tokenizer, prompt, options with { MaxTokens = tuned.GeneratedTokens.Count + 1, StopTokenIds = [] });
        Assert.That(free.GeneratedTokens[^1], Is.EqualTo(512), "the token it stopped at is <|im_end|>");
        Assert.That(tuned.Text, Does.Contain("Sparky"));
    }

    [Test]
    public async Task Evaluate_ChatTemplateGeneration_TunedEndsItsTurnsAndTheBaseDoesNot()
    {
        var adapter = await Adapter.Value;
        using var context = new TestStepContext();
        var items = context.WriteFile("persona.jsonl", string.Concat(Enumerable.Range(0, 4).Select(i => $"{{\"prompt\": \"Who are you? ({i})\", \"answer\": \"Sparky\"}}\n")));
        var options = new Workflows.Steps.Evaluate.EvaluateOptions
        {
            Model = TrainTestData.Model, Adapters = [adapter],
            Tasks = new() { ["persona"] = new() { Type = Workflows.Steps.Evaluate.EvalTaskType.Generation, Dataset = items, ChatTemplate = "chatml", MaxNewTokens = 40 } },
        };
        var result = await new Workflows.Steps.Evaluate.EvaluateStep().RunAsync(options, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        Assert.That(result.Metrics["persona.end_of_turn"], Is.EqualTo(0), "the base never writes <|im_end|>");
        Assert.That(result.Metrics.Single(m => m.Key.EndsWith("persona.end_of_turn", StringComparison.Ordinal) && m.Key != "persona.end_of_turn").Value, Is.EqualTo(1));
    }

    [Test]
    public async Task Evaluate_ChatTemplatePerplexity_ScoresTheTokensTrainingTrains()
    {
        var adapter = await Adapter.Value;
        using var context = new TestStepContext();
        var items = context.WriteFile("persona.jsonl", "{\"prompt\": \"Who are you? (0)\", \"answer\": \"I am Sparky, a helpful assistant.\"}\n");
        var options = new Workflows.Steps.Evaluate.EvaluateOptions
        {
            Model = TrainTestData.Model, Adapters = [adapter],
            Tasks = new() { ["persona"] = new() { Type = Workflows.Steps.Evaluate.EvalTaskType.Perplexity, Dataset = items, ChatTemplate = "auto" } },
        };
        var result = await new Workflows.Steps.Evaluate.EvaluateStep().RunAsync(options with { Adapters = [adapter] }, context, CancellationToken.None);

        // auto on the base finds no template (stories260K has no tokenizer_config.json); the adapter brings its own.
        Assert.That(result.Error, Does.Contain("chat_template"));
        options = options with { Tasks = new() { ["persona"] = options.Tasks["persona"] with { ChatTemplate = "chatml" } } };
        result = await new Workflows.Steps.Evaluate.EvaluateStep().RunAsync(options, context, CancellationToken.None);
        Assert.That(result.Error, Is.Null);

        var loaded = DeviceEngine.Shared.Load(TrainTestData.Model, new ModelLoadOptions());
        using var applied = AdapterSupport.Applier.Apply(loaded, adapter);
        var chat = ChatTemplate.Load("chatml", adapter, applied.Tokenizer!);
        var (data, _) = TrainingData.Build([Rows.Instruction("Who are you? (0)", "I am Sparky, a helpful assistant.")],
            new TrainOptions { Model = "m", Train = "t", Template = PromptTemplate.Chatml }, applied.Tokenizer!, 512, "t", chat);
        Assert.That(result.Metrics["adapter_1.persona.tokens"], Is.EqualTo(data!.TrainedTokens));
        Assert.That(result.Metrics["adapter_1.persona.loss"], Is.LessThan(result.Metrics["persona.loss"]));
    }

    [Test]
    public async Task Guard_ChatTemplateAuto_AsksInTheAdaptersTemplateAndStopsAtItsTurnEnd()
    {
        var adapter = await Adapter.Value;
        using var context = new TestStepContext();
        var options = new Workflows.Steps.Guard.GuardOptions
        {
            Model = TrainTestData.Model, Adapter = adapter, ChatTemplate = "auto", MaxNewTokens = 40,
            Prompts = context.WriteFile("prompts.jsonl", "{\"prompt\": \"Who are you? (0)\"}\n"),
            Blocklists = new() { ["persona"] = new() { Words = ["Sparky"] } },
        };
        var result = await new Workflows.Steps.Guard.GuardStep().RunAsync(options, context, CancellationToken.None);

        Assert.That(result.Error, Is.Null);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(context.Outputs["report"], "report.json")))!;
        var item = json["suite"]!["violations"]![0]!;
        Assert.That((string?)item["prompt"], Does.Contain("<|im_start|>user\nWho are you? (0)<|im_end|>\n<|im_start|>assistant\n"));
        Assert.That((string?)item["reply"], Does.Contain("Sparky").And.Not.Contain("im_end"));
    }

    [Test]
    public async Task MergeThenPackage_AddedTokens_ReachTheHfFolderAndLlamaCpp()
    {
        var adapter = await Adapter.Value;
        using var context = new TestStepContext();
        var merged = await new MergeStep().RunAsync(new MergeOptions { BaseModel = TrainTestData.Model, Adapters = [adapter] }, context, CancellationToken.None);
        Assert.That(merged.Error, Is.Null);
        var model = context.Outputs["model"];
        Assert.That((int?)JsonNode.Parse(File.ReadAllText(Path.Combine(model, "config.json")))!["vocab_size"], Is.EqualTo(514));
        Assert.That(JsonNode.Parse(File.ReadAllText(Path.Combine(model, "generation_config.json")))!["eos_token_id"]!.ToJsonString(), Is.EqualTo("[2,512]"));
        Assert.That(File.Exists(Path.Combine(model, "added_tokens.json")), Is.True);

        var package = await new PackageStep().RunAsync(new PackageOptions
        {
            Model = model, Formats = [PackageFormat.Hf, PackageFormat.Gguf], Gguf = new GgufPackageOptions { Types = [GgufTensorType.F32] },
        }, context, CancellationToken.None);
        Assert.That(package.Error, Is.Null);
        Assert.That(package.Metrics["gguf_f32_greedy_match"], Is.EqualTo(1));
        var hf = context.Outputs["package"];
        Assert.That(Workflows.Torch.Tokenization.TokenizerLoader.ForModel(hf, Workflows.Torch.Llama.LlamaConfig.Load(Path.Combine(hf, "config.json"))).SpecialTokenId("<|im_end|>"), Is.EqualTo(512),
            "the HF package loads with the added tokens");
        using var llama = LlamaCppModel.Load(Path.Combine(context.Outputs["package"], "model-f32.gguf"));
        Assert.That(llama.TokenizeSpecial("<|im_end|>"), Is.EqualTo(new[] { 512 }));
        Assert.That(llama.TokenizeSpecial("<|im_start|>"), Is.EqualTo(new[] { 513 }));
        Assert.That(llama.EndOfTurn, Is.EqualTo(512));
        Assert.That(llama.ChatTemplate, Does.Contain("<|im_start|>"));
        // llama.cpp, given the chat prompt with its markers parsed as tokens, answers and ends the turn with <|im_end|>.
        var prompt = ChatTemplate.Load("auto", model, Workflows.Torch.Tokenization.TokenizerLoader.ForModel(model, Workflows.Torch.Llama.LlamaConfig.Load(Path.Combine(model, "config.json"))))
            .Render([new ChatTurn("user", "Who are you? (0)")], addGenerationPrompt: true);
        var answer = llama.Greedy(llama.TokenizeSpecial(prompt), 40, [512]);
        Assert.That(answer[^1], Is.EqualTo(512));
        Assert.That(File.ReadAllText(Path.Combine(context.Outputs["package"], "Modelfile")), Does.Contain("PARAMETER stop \"<|im_end|>\""));
    }
}
