using System.Globalization;
using TorchSharp;

namespace Workflows.Torch.Devices;

/// <summary>Turns a device string from a workflow or the command line into a torch device.</summary>
public static class DeviceSelector
{
    /// <summary>
    /// Resolves <paramref name="device"/>: <c>auto</c> (the default; CUDA device 0 when libtorch has
    /// CUDA, else the CPU), <c>cpu</c>, <c>cuda</c> (device 0) or <c>cuda:N</c>.
    /// </summary>
    /// <exception cref="DeviceUnavailableException">The string is malformed or the device is absent.</exception>
    public static torch.Device Resolve(string? device)
    {
        var text = string.IsNullOrWhiteSpace(device) ? "auto" : device.Trim().ToLowerInvariant();
        if (text == "auto")
        {
            return CudaDeviceCount() > 0 ? new torch.Device(DeviceType.CUDA, 0) : torch.CPU;
        }

        if (text == "cpu")
        {
            return torch.CPU;
        }

        if (text == "cuda" || text.StartsWith("cuda:", StringComparison.Ordinal))
        {
            var index = 0;
            if (text.Length > 4 && !int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out index))
            {
                throw new DeviceUnavailableException($"device '{device}' is not valid: use auto, cpu, cuda or cuda:N with N a GPU index");
            }

            var count = CudaDeviceCount();
            if (count == 0)
            {
                throw new DeviceUnavailableException($"device '{device}' was requested but this libtorch build has no CUDA support or no GPU is visible{VisibleDevicesNote()}; pick the CPU with `wf run <workflow> --device cpu` (or `wf generate … --device cpu`), or set `device: auto` in the workflow");
            }

            if (index >= count)
            {
                throw new DeviceUnavailableException($"device '{device}' was requested but only {count} CUDA device(s) are visible (cuda:0..cuda:{count - 1}){VisibleDevicesNote()}");
            }

            return new torch.Device(DeviceType.CUDA, index);
        }

        throw new DeviceUnavailableException($"device '{device}' is not valid: use auto, cpu, cuda or cuda:N");
    }

    /// <summary>Whether this libtorch build has CUDA and sees at least one GPU.</summary>
    public static bool IsCudaAvailable => CudaDeviceCount() > 0;

    // CUDA numbers only the GPUs in CUDA_VISIBLE_DEVICES (what Slurm's --gres=gpu:N grants a job), so
    // cuda:0 is the job's first GPU whatever its physical index; saying so explains a "missing" GPU.
    private static string VisibleDevicesNote() =>
        Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES") is { } visible ? $" (CUDA_VISIBLE_DEVICES='{visible}' limits what this process sees)" : "";

    private static int CudaDeviceCount() => torch.cuda.is_available() ? torch.cuda.device_count() : 0;
}
