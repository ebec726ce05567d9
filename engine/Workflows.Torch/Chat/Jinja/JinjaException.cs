namespace Workflows.Torch.Chat.Jinja;

/// <summary>A chat template that cannot be parsed or rendered: a syntax error, an unsupported
/// construct, or the template's own <c>raise_exception(...)</c> (its message is kept as written).</summary>
public sealed class JinjaException : Exception
{
    /// <summary>An error with <paramref name="message"/>.</summary>
    public JinjaException(string message) : base(message)
    {
    }

    /// <summary>Whether the template itself raised it (<c>raise_exception</c>), rather than the engine.</summary>
    public bool RaisedByTemplate { get; init; }
}
