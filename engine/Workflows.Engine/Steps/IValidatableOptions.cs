namespace Workflows.Engine.Steps;

/// <summary>Options records implement this for checks across fields (ratios that must sum to 1, a
/// rank no larger than a layer) that attributes cannot express. Runs after binding, during validation.</summary>
public interface IValidatableOptions
{
    /// <summary>Every problem found; empty when the options are consistent.</summary>
    IEnumerable<OptionError> Validate();
}

/// <summary>A problem with one option. <paramref name="Key"/> is its snake_case path (<c>lora.rank</c>)
/// so the message points at the line where it is written.</summary>
public sealed record OptionError(string Key, string Message, string? Hint = null);
