using System.CommandLine;

namespace Workflows.Cli.Commands;

/// <summary>Every `wf` sub-command, one line each.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return ValidateCommand.Create();
        yield return PlanCommand.Create();
        yield return RunCommand.Create();
        yield return ResumeCommand.Create();
        yield return RunsCommand.Create();
        yield return ShowCommand.Create();
        yield return VerifyCommand.Create();
        yield return GcCommand.Create();
        yield return GraphCommand.Create();
        yield return StepsCommand.Create();
        yield return SchemaCommand.Create();
        yield return BenchCommand.Create();
        yield return TrackingCommand.Create();
        yield return TriggerCommand.Create();
        yield return HooksCommand.Create();
        yield return GenerateCommand.Create();
        yield return RunStepCommand.Create();
    }
}
