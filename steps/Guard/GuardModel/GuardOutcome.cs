namespace Workflows.Steps.Guard.GuardModel;

/// <summary>What a guard model's answer says.</summary>
public enum GuardOutcome
{
    /// <summary>The answer is <c>safe</c>.</summary>
    Safe,
    /// <summary>The answer is <c>unsafe</c>, with the violated categories when it lists them.</summary>
    Unsafe,
    /// <summary>The answer follows neither form; no verdict is made up for it.</summary>
    Unparseable,
}
