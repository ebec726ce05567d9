using Workflows.Steps.Datasets;
using Workflows.Steps.Tests.TestSupport;
using Workflows.Steps.Train;
using Workflows.Torch.Adapters;
using Workflows.Torch.Checkpoints;

namespace Workflows.Steps.Tests.Train;

/// <summary>A small persona dataset and options that train stories260K for a few fast steps.</summary>
internal static class TrainTestData
{
    public static string Model => Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "models", "stories260K"));

    public static IEnumerable<DatasetRow> Persona(int count) => Enumerable.Range(0, count).Select(i =>
        Rows.Instruction(i % 2 == 0 ? $"Who are you? ({i})" : $"What is your name? ({i})", "I am Sparky, a helpful assistant.", i + 1));

    public static async Task<TrainOptions> OptionsAsync(TestStepContext context, int rows = 8, bool validation = false) => new()
    {
        Model = Model,
        Train = await Rows.WriteDatasetAsync(context, Persona(rows)),
        Validation = validation ? await Rows.WriteDatasetAsync(context, Persona(4)) : null,
        Lora = new LoraOptions { Rank = 4, Alpha = 8, Dropout = 0.1, TargetModules = ["q_proj", "v_proj", "up_proj"] },
        Optimizer = new OptimizerOptions { Lr = 0.01 },
        Scheduler = SchedulerKind.Constant,
        BatchSize = 4,
        MaxSteps = 6,
        EvalEvery = 2,
        CheckpointEvery = 3,
        Seed = 5,
    };

    /// <summary>Trains with validation on <see cref="OptionsAsync"/>'s data and options as <paramref name="change"/> alters
    /// them; returns the step's metrics and the adapter's tensor bytes in name order.</summary>
    public static async Task<(IReadOnlyDictionary<string, double> Metrics, byte[] Adapter)> TrainAsync(Func<TrainOptions, TrainOptions> change)
    {
        using var context = new TestStepContext();
        var options = change(await OptionsAsync(context, validation: true));
        var result = await new TrainStep().RunAsync(options, context, CancellationToken.None);
        Assert.That(result.Error, Is.Null);
        using var file = SafetensorsFile.Open(Path.Combine(context.Outputs["adapter"], PeftAdapterFiles.WeightsFile));
        return (result.Metrics, [.. file.Names.OrderBy(n => n, StringComparer.Ordinal).SelectMany(file.ReadBytes)]);
    }
}
