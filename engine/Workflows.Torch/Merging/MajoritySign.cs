namespace Workflows.Torch.Merging;

/// <summary>How TIES elects the sign of each entry (PEFT's <c>majority_sign_method</c>).</summary>
public enum MajoritySign
{
    /// <summary>The sign of the sum of the values: large values weigh more.</summary>
    Total,

    /// <summary>The sign most tasks have: one vote per task.</summary>
    Frequency,
}
