using TorchSharp;

namespace Workflows.Torch.Checkpoints;

/// <summary>Raw byte copies into and out of contiguous CPU tensors.</summary>
internal static class TensorBytes
{
    // Tensor.bytes is a Span, so it covers at most int.MaxValue bytes; bigger tensors go in chunks.
    private const long ChunkBytes = 1L << 30;

    public static unsafe void CopyInto(torch.Tensor tensor, byte* source, long length)
    {
        if (length == 0)
        {
            return;
        }

        using var flat = tensor.view(-1);
        var elementSize = length / flat.shape[0];
        var chunk = ChunkBytes / elementSize;
        for (long first = 0; first < flat.shape[0]; first += chunk)
        {
            using var part = flat.narrow(0, first, Math.Min(chunk, flat.shape[0] - first));
            var target = part.bytes;
            new ReadOnlySpan<byte>(source + (first * elementSize), target.Length).CopyTo(target);
        }
    }

    public static void CopyTo(torch.Tensor tensor, Stream destination)
    {
        using var cpu = tensor.device_type == DeviceType.CPU ? tensor.alias() : tensor.cpu();
        using var contiguous = cpu.contiguous();
        if (contiguous.numel() == 0)
        {
            return;
        }

        using var flat = contiguous.view(-1);
        var chunk = ChunkBytes / contiguous.ElementSize;
        for (long first = 0; first < flat.shape[0]; first += chunk)
        {
            using var part = flat.narrow(0, first, Math.Min(chunk, flat.shape[0] - first));
            destination.Write(part.bytes);
        }
    }
}
