namespace Workflows.Steps.Split;

/// <summary>The three splits, named as the step's outputs.</summary>
internal enum SplitPart { Train, Validation, Test }
