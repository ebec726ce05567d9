using System.ComponentModel.DataAnnotations;
using Workflows.Engine.Steps;

namespace Workflows.Engine.Tests.Support;

/// <summary>Test-only step: writes its text (plus its inputs' text) to out/value.txt; can fail, throw,
/// wait, or meet another step at a barrier to prove concurrency.</summary>
[Step("echo", Version = 1, Description = "test step")]
[StepOutput("out", ArtifactKind.Dataset)]
public sealed class EchoStep : IStep<EchoOptions>
{
    public async Task<StepResult> RunAsync(EchoOptions options, IStepContext context, CancellationToken cancellationToken)
    {
        TestProbe.Started(context.StepName);
        TestProbe.Lineages[context.StepName] = context.Lineage;
        if (options.Barrier is { } barrier && !TestProbe.Meet(barrier, TimeSpan.FromSeconds(10)))
            return StepResult.Failed("barrier timed out: the other step never ran at the same time");
        if (options.DelayMs > 0) await Task.Delay(options.DelayMs, cancellationToken);
        if (options.Throw) throw new InvalidOperationException("boom");
        if (options.Fail) return StepResult.Failed("asked to fail");
        var text = options.Text + string.Concat(options.Inputs.Select(i => "|" + File.ReadAllText(Path.Combine(i, "value.txt"))));
        if (!options.SkipOutput) await File.WriteAllTextAsync(Path.Combine(context.CreateOutput("out"), "value.txt"), text, cancellationToken);
        context.LogMetric("length", text.Length);
        TestProbe.Finished(context.StepName);
        // "length" is both logged and returned, as real steps do with their summary metrics.
        return StepResult.Succeeded(new Dictionary<string, double> { ["chars"] = text.Length, ["length"] = text.Length });
    }
}

/// <summary>Options of the echo test step.</summary>
public sealed record EchoOptions
{
    /// <summary>Text to write.</summary>
    public string Text { get; init; } = "";

    /// <summary>Upstream datasets.</summary>
    [Input(ArtifactKind.Dataset)]
    public IReadOnlyList<string> Inputs { get; init; } = [];

    [Range(0, 100)]
    public int Level { get; init; }

    public EchoNested Nested { get; init; } = new();

    public EchoMode Mode { get; init; } = EchoMode.Plain;

    public bool Fail { get; init; }
    public bool Throw { get; init; }
    public bool SkipOutput { get; init; }
    public int DelayMs { get; init; }
    public string? Barrier { get; init; }
}

public sealed record EchoNested
{
    [Range(1, 512)]
    public int Rank { get; init; } = 8;

    public double Alpha { get; init; } = 16;
}

public enum EchoMode { Plain, UpperCase }

/// <summary>Test-only step producing a model, for artifact-type checks; requires a file input.</summary>
[Step("make_model", Description = "test step")]
[StepOutput("model", ArtifactKind.Model)]
public sealed class MakeModelStep : IStep<MakeModelOptions>
{
    public Task<StepResult> RunAsync(MakeModelOptions options, IStepContext context, CancellationToken cancellationToken)
    {
        File.Copy(options.Source, Path.Combine(context.CreateOutput("model"), "weights.bin"));
        return Task.FromResult(StepResult.Succeeded());
    }
}

public sealed record MakeModelOptions
{
    /// <summary>A file to copy.</summary>
    [Input(ArtifactKind.Any)]
    public required string Source { get; init; }
}

/// <summary>Test-only device step: records overlap with other device steps.</summary>
[Step("device_work", UsesDevice = true, Description = "test step")]
[StepOutput("out", ArtifactKind.Report)]
public sealed class DeviceStep : IStep<DeviceOptions>
{
    public async Task<StepResult> RunAsync(DeviceOptions options, IStepContext context, CancellationToken cancellationToken)
    {
        TestProbe.EnterDevice();
        try
        {
            await Task.Delay(options.DelayMs, cancellationToken);
        }
        finally
        {
            TestProbe.LeaveDevice();
        }
        await File.WriteAllTextAsync(Path.Combine(context.CreateOutput("out"), "r.txt"), context.StepName, cancellationToken);
        return StepResult.Succeeded();
    }
}

public sealed record DeviceOptions
{
    public int DelayMs { get; init; } = 100;
    public string Tag { get; init; } = "";
}

public sealed class TestSteps : IStepLibrary
{
    public void Register(IStepRegistry registry)
    {
        registry.Add<EchoStep, EchoOptions>();
        registry.Add<MakeModelStep, MakeModelOptions>();
        registry.Add<DeviceStep, DeviceOptions>();
        registry.Add<UnstableStep, UnstableOptions>();
    }
}
