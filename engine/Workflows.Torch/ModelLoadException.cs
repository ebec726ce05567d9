namespace Workflows.Torch;

/// <summary>
/// A model, checkpoint or tokenizer file cannot be used. The message is one line that names the
/// file and says what is wrong and what to do; callers print it as is, without a stack trace.
/// </summary>
public sealed class ModelLoadException : Exception
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public ModelLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its one-line message and the failure that caused it.</summary>
    public ModelLoadException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
