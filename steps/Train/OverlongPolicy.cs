namespace Workflows.Steps.Train;

/// <summary>What happens to an example longer than <c>max_seq_len</c>.</summary>
public enum OverlongPolicy
{
    /// <summary>Cut it to fit and log a warning with the count.</summary>
    Truncate,
    /// <summary>Fail the step naming the row.</summary>
    Fail,
}
