namespace Workflows.Steps.Augment;

/// <summary>One kind of noise applied to a word.</summary>
public enum NoiseOperation
{
    /// <summary>Swap two adjacent characters.</summary>
    Swap,
    /// <summary>Delete one character.</summary>
    Delete,
    /// <summary>Replace one letter with a QWERTY keyboard neighbour.</summary>
    Typo,
    /// <summary>Flip the case of the word's first letter.</summary>
    Case,
}
