namespace Workflows.Steps.Datasets;

/// <summary>The <c>label</c> values of <see cref="RowKind.Feedback"/> rows.</summary>
public static class FeedbackLabels
{
    /// <summary>The last answer is one to learn from (KTO <c>kto_tag: true</c>).</summary>
    public const string Desirable = "desirable";

    /// <summary>The last answer is one to learn to avoid (KTO <c>kto_tag: false</c>).</summary>
    public const string Undesirable = "undesirable";
}
