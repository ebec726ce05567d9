using Workflows.Engine.Steps;

namespace Workflows.Cli.Bench;

/// <summary>A benchmark-only step that writes one tiny file: it isolates the engine's own cost
/// (parse, bind, validate, plan, cache check) from any real step's work.</summary>
[Step("bench_noop", Description = "Benchmark fixture: writes one small file")]
[StepOutput("out", ArtifactKind.Any)]
public sealed class NoOpStep : IStep<NoOpOptions>
{
    public Task<StepResult> RunAsync(NoOpOptions options, IStepContext context, CancellationToken cancellationToken)
    {
        File.WriteAllText(Path.Combine(context.CreateOutput("out"), "value.txt"), $"{options.Value}");
        return Task.FromResult(StepResult.Succeeded());
    }
}
