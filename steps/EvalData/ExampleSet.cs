namespace Workflows.Steps.EvalData;

/// <summary>Items read from one task file or dataset.</summary>
/// <param name="Examples">The items, in file order.</param>
/// <param name="Skipped">Records that could not be read (bad JSON, wrong field count) or rows of a kind the task cannot use.</param>
/// <param name="Error">Why nothing could be read; null on success.</param>
internal sealed record ExampleSet(List<EvalExample> Examples, int Skipped, string? Error)
{
    public static ExampleSet Failed(string error) => new([], 0, error);
}
