using Workflows.Engine.Steps;

namespace Workflows.Cli.Tests.Steps;

/// <summary>Test-only step: journals its start, waits for a release file, journals its end and writes
/// its text. It keeps a file in the step's state folder while it runs, as training checkpoints do, and
/// one in its scratch folder, as steps that spill to disk do (both folders exist only once asked for).</summary>
[Step("slow", Description = "test step: waits for a release file")]
[StepOutput("out", ArtifactKind.Dataset)]
public sealed class SlowStep : IStep<SlowOptions>
{
    public async Task<StepResult> RunAsync(SlowOptions options, IStepContext context, CancellationToken cancellationToken)
    {
        var pid = Environment.ProcessId;
        Append(options.Journal, $"start {pid}");
        await File.WriteAllTextAsync(Path.Combine(context.StateDirectory, "checkpoint.txt"), pid.ToString(), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(context.TempDirectory, "scratch.txt"), pid.ToString(), cancellationToken);
        var deadline = DateTime.UtcNow.AddSeconds(options.MaxSeconds);
        while (options.Release.Length > 0 && !File.Exists(options.Release) && DateTime.UtcNow < deadline)
            await Task.Delay(50, cancellationToken);
        var owner = await File.ReadAllTextAsync(Path.Combine(context.StateDirectory, "checkpoint.txt"), cancellationToken);
        if (owner != pid.ToString()) return StepResult.Failed($"checkpoint written by process {owner} while process {pid} computed this step");
        Append(options.Journal, $"end {pid}");
        if (options.Fail.Length > 0) return StepResult.Failed(options.Fail);
        await File.WriteAllTextAsync(Path.Combine(context.CreateOutput("out"), "value.txt"), options.Text, cancellationToken);
        return StepResult.Succeeded();
    }

    private static void Append(string journal, string line)
    {
        if (journal.Length > 0) File.AppendAllText(journal, line + Environment.NewLine);
    }
}
