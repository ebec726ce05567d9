using System.CommandLine;

namespace Workflows.Cli.Commands;

/// <summary>Every `wf` sub-command, one line each.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return GenerateCommand.Create();
        yield return BenchModelCommand.Create();
    }
}
