using Workflows.Steps.Evaluate;
using Workflows.Steps.Tests.TestSupport;
using Workflows.Steps.Tests.Train;
using Workflows.Steps.Train;

namespace Workflows.Steps.Tests.Evaluate;

/// <summary>Evaluating the validation split with the training template's prompt measures what the train step
/// measured: the same tokens, the same EOS, and for QLoRA the same NF4 base.</summary>
[TestFixture]
public sealed class ValidationLossAgreementTests
{
    private const string AlpacaPrompt =
        "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\n{prompt}\n\n### Response:";

    [TestCase(TrainMethod.Lora)]
    [TestCase(TrainMethod.Qlora)]
    public async Task Run_ValidationSplitOfATrainedAdapter_GivesTheTrainStepsValLoss(TrainMethod method)
    {
        using var training = new TestStepContext();
        var options = await TrainTestData.OptionsAsync(training, validation: true) with { Method = method };
        var trained = await new TrainStep().RunAsync(options, training, CancellationToken.None);
        Assert.That(trained.Error, Is.Null);

        using var context = new TestStepContext();
        var result = await new EvaluateStep().RunAsync(Options(options, training.Outputs["adapter"]), context, CancellationToken.None);
        Assert.That(result.Error, Is.Null);

        var difference = Math.Abs(result.Metrics["adapter_1.validation.loss"] - trained.Metrics["best_val_loss"]);
        TestContext.Out.WriteLine($"{method}: evaluate {result.Metrics["adapter_1.validation.loss"]:F6}, train val_loss {trained.Metrics["best_val_loss"]:F6}, |Δ| = {difference:G3}");
        // QLoRA computes in bfloat16, whose rounding depends on the batches' shapes, which differ between the two
        // paths: 2.4e-5 and 3.0e-4 for two adapters trained here. The wrong (full-precision) base differs by ~6e-2.
        Assert.That(difference, Is.LessThan(method == TrainMethod.Qlora ? 1e-3 : 1e-4));
        if (method == TrainMethod.Lora) Assert.That(result.Metrics["validation.loss"], Is.EqualTo(trained.Metrics["base_val_loss"]).Within(1e-4));
        var report = File.ReadAllText(Path.Combine(context.Outputs["report"], "report.md"));
        Assert.That(report, Does.Contain(method == TrainMethod.Qlora ? "on the NF4 base as trained (NF4, block 64, double quantisation, compute bfloat16)" : "on the full-precision base"));
    }

    [Test]
    public async Task Run_QloraAdapterOnFullPrecisionBaseByChoice_DiffersAndSaysSo()
    {
        using var training = new TestStepContext();
        var options = await TrainTestData.OptionsAsync(training, validation: true) with { Method = TrainMethod.Qlora };
        var trained = await new TrainStep().RunAsync(options, training, CancellationToken.None);
        Assert.That(trained.Error, Is.Null);

        using var context = new TestStepContext();
        var result = await new EvaluateStep().RunAsync(Options(options, training.Outputs["adapter"]) with { QuantisedBase = false }, context, CancellationToken.None);
        Assert.That(result.Error, Is.Null);
        Assert.That(Math.Abs(result.Metrics["adapter_1.validation.loss"] - trained.Metrics["best_val_loss"]), Is.GreaterThan(1e-3));
        var report = File.ReadAllText(Path.Combine(context.Outputs["report"], "report.md"));
        Assert.That(report, Does.Contain("full-precision base, chosen with quantised_base: false"));
    }

    [Test]
    public async Task Run_AdapterClaimingQloraWithoutItsRecord_RefusedNamingTheFix()
    {
        using var training = new TestStepContext();
        var options = await TrainTestData.OptionsAsync(training, validation: true) with { MaxSteps = 1 };
        Assert.That((await new TrainStep().RunAsync(options, training, CancellationToken.None)).Error, Is.Null);
        var adapter = training.Outputs["adapter"];
        File.WriteAllText(Path.Combine(adapter, TrainingSummary.FileName), "{ \"method\": \"qlora\" }");          // says QLoRA, records no NF4 base

        using var context = new TestStepContext();
        var result = await new EvaluateStep().RunAsync(Options(options, adapter), context, CancellationToken.None);
        Assert.That(result.Error, Does.StartWith("adapters[0]: ").And.Contain("records no base_model_quantization").And.Contain("quantised_base: false"));
    }

    private static EvaluateOptions Options(TrainOptions trained, string adapter) => new()
    {
        Model = TrainTestData.Model,
        Adapters = [adapter],
        Tasks = new() { ["validation"] = new() { Type = EvalTaskType.Perplexity, Dataset = trained.Validation!, PromptTemplate = AlpacaPrompt } },
    };
}
