using System.CommandLine;
using Workflows.Engine.Runs;
using Workflows.Engine.Storage;

namespace Workflows.Cli.Commands;

/// <summary><c>wf runs</c>: the project's runs, newest first.</summary>
internal static class RunsCommand
{
    public static Command Create()
    {
        var limit = new Option<int>("--limit") { Description = "Show at most this many runs", DefaultValueFactory = _ => 20 };
        var command = new Command("runs", "List runs, newest first") { limit };
        command.SetAction(result =>
        {
            var runs = new RunRecordStore(ProjectLayout.ForDirectory(Directory.GetCurrentDirectory())).List();
            if (runs.Count == 0)
            {
                Console.WriteLine("no runs yet; `wf run <workflow.yaml>` starts one");
                return 0;
            }
            Console.WriteLine($"{"RUN",-23}  {"STATUS",-9}  {"WORKFLOW",-24}  {"STARTED",-19}  STEPS");
            foreach (var run in runs.Take(result.GetValue(limit)))
            {
                var ran = run.Steps.Count(s => s.State == StepState.Succeeded);
                var cached = run.Steps.Count(s => s.State == StepState.Cached);
                var failed = run.Steps.Count(s => s.State is StepState.Failed);
                Console.WriteLine($"{run.Id,-23}  {run.Status.ToString().ToLowerInvariant(),-9}  {Trim($"{run.WorkflowName} v{run.WorkflowVersion}", 24),-24}  {run.Started.LocalDateTime:yyyy-MM-dd HH:mm:ss}  {ran} ran, {cached} cached{(failed > 0 ? $", {failed} failed" : "")}");
            }
            return 0;
        });
        return command;
    }

    private static string Trim(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
