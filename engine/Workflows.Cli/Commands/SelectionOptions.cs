using System.CommandLine;
using Workflows.Engine.Planning;

namespace Workflows.Cli.Commands;

/// <summary>The options that choose which steps run (<c>--step</c>, <c>--from</c>, <c>--force</c>), shared by
/// <c>plan</c> and <c>run</c> so both read them the same way.</summary>
internal sealed class SelectionOptions
{
    private readonly Option<string?> _step = new("--step") { Description = "Re-run only this step, on its cached inputs" };
    private readonly Option<string?> _from = new("--from") { Description = "Re-run this step and everything downstream of it" };
    private readonly Option<string[]> _force = new("--force") { Description = "Ignore the cache for this step (repeatable)", Arity = ArgumentArity.ZeroOrMore };

    public void AddTo(Command command)
    {
        command.Add(_step);
        command.Add(_from);
        command.Add(_force);
    }

    public StepSelection Read(ParseResult result) => new()
    {
        Only = result.GetValue(_step),
        From = result.GetValue(_from),
        Force = (result.GetValue(_force) ?? []).ToHashSet(),
    };
}
