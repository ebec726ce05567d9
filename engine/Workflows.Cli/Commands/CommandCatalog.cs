using System.CommandLine;

namespace Workflows.Cli.Commands;

/// <summary>Every `wf` sub-command, one line each.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return TrackingCommand.Create();
        yield return TriggerCommand.Create();
        yield return HooksCommand.Create();
    }
}
