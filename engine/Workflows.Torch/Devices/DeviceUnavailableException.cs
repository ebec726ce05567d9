namespace Workflows.Torch.Devices;

/// <summary>
/// The requested device cannot be used here (no CUDA in this libtorch, an index past the last GPU,
/// or a device string that is not one of <c>auto | cpu | cuda | cuda:N</c>). The message is one line.
/// </summary>
public sealed class DeviceUnavailableException : Exception
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public DeviceUnavailableException(string message)
        : base(message)
    {
    }
}
