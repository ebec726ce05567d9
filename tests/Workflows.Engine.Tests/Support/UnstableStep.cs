using Workflows.Engine.Steps;

namespace Workflows.Engine.Tests.Support;

/// <summary>Test-only step whose bytes differ every time it runs, like training on hardware that is not
/// deterministic: what `--force` re-runs of such a step leave behind is what `wf gc` is for.</summary>
[Step("unstable", Description = "test step")]
[StepOutput("out", ArtifactKind.Adapter)]
public sealed class UnstableStep : IStep<UnstableOptions>
{
    public async Task<StepResult> RunAsync(UnstableOptions options, IStepContext context, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(Path.Combine(context.CreateOutput("out"), "weights.txt"), options.Text + Guid.NewGuid().ToString("N"), cancellationToken);
        return StepResult.Succeeded();
    }
}

/// <summary>Options of the unstable test step.</summary>
public sealed record UnstableOptions
{
    /// <summary>Text written before the random part.</summary>
    public string Text { get; init; } = "";
}
