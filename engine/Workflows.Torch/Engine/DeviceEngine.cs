using System.Collections.Concurrent;
using System.Diagnostics;
using TorchSharp;
using Workflows.Torch.Devices;
using Workflows.Torch.Llama;
using Workflows.Torch.Tokenization;

namespace Workflows.Torch.Engine;

/// <summary>
/// The process-wide device engine: resolves the device once, loads each base model once (keyed by
/// path, content digest, dtype and quantisation) so train, evaluate, guard and package share it.
/// Exclusive use of the device is the workflow engine's job: it runs steps marked
/// <c>UsesDevice</c> one at a time.
/// </summary>
public sealed class DeviceEngine
{
    private readonly ConcurrentDictionary<(string Path, string Digest, torch.ScalarType Dtype, string Quantisation, string Device), Lazy<LoadedModel>> _models = new();
    private readonly object _gate = new();
    private torch.Device? _device;

    /// <summary>libtorch's intra-op thread count, pinned for the whole process: 1. A step may run with
    /// another count for its own duration only when the count is one of its options, so that it enters the
    /// step's fingerprint (train's <c>threads</c>).</summary>
    /// <remarks>CPU kernels split float sums across threads, so the rounding, and with it every trained
    /// or merged weight, depends on the thread count (measured: a 4-step LoRA run wrote other adapter
    /// bytes at 1 and 2 threads). One fixed count makes the same fingerprint give the same bytes on any
    /// machine and under any load; on a shared CPU it is also the fastest choice for small models.</remarks>
    public const int IntraOpThreads = 1;

    static DeviceEngine() => torch.set_num_threads(IntraOpThreads);

    /// <summary>The engine of this process.</summary>
    public static DeviceEngine Shared { get; } = new();

    /// <summary>The device models go to; <c>auto</c> until <see cref="UseDevice"/> says otherwise.</summary>
    public torch.Device Device
    {
        get
        {
            lock (_gate)
            {
                return _device ??= DeviceSelector.Resolve("auto");
            }
        }
    }

    /// <summary>Models loaded so far.</summary>
    public IReadOnlyCollection<LoadedModel> LoadedModels =>
        _models.Values.Where(l => l.IsValueCreated).Select(l => l.Value).ToList();

    /// <summary>Chooses the device from <c>auto | cpu | cuda | cuda:N</c>.</summary>
    /// <exception cref="DeviceUnavailableException">The device is not available here.</exception>
    public torch.Device UseDevice(string device)
    {
        var resolved = DeviceSelector.Resolve(device);
        lock (_gate)
        {
            _device = resolved;
        }

        return resolved;
    }

    /// <summary>
    /// The model at <paramref name="path"/> with its tokenizer, loading it on first use and returning
    /// the same instance while its files are unchanged.
    /// </summary>
    /// <exception cref="ModelLoadException">The files cannot be loaded.</exception>
    public LoadedModel Load(string path, ModelLoadOptions? options = null)
    {
        options ??= new ModelLoadOptions();
        if (options.Quantisation != "none")
        {
            throw new ArgumentException($"quantisation '{options.Quantisation}' is not supported yet; use none");
        }

        var fullPath = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        if (!File.Exists(fullPath) && !Directory.Exists(fullPath))
        {
            throw new ModelLoadException($"{path}: model path not found; give a Hugging Face model folder or a llama2.c .bin file");
        }

        var dtype = ModelDtypes.Parse(options.Dtype);
        var device = Device;
        var key = (fullPath, ModelDigest.Of(fullPath), dtype, options.Quantisation, device.ToString());
        var entry = _models.GetOrAdd(key, k => new Lazy<LoadedModel>(() =>
        {
            var model = LlamaLoader.Load(k.Path, device, dtype);
            var tokenizer = TokenizerLoader.ForModel(k.Path, model.Config);
            return new LoadedModel(k.Path, k.Digest, model, tokenizer, device, dtype, k.Quantisation);
        }));
        try
        {
            return entry.Value;
        }
        catch
        {
            _models.TryRemove(key, out _);                     // a failed load must not stick
            throw;
        }
    }

    /// <summary>Drops every cached model (they are freed once no step holds them).</summary>
    public void Clear() => _models.Clear();

    /// <summary>Memory now: parameters held, process working set and its peak, managed heap.</summary>
    public MemoryReport Memory()
    {
        using var process = Process.GetCurrentProcess();
        return new MemoryReport(
            LoadedModels.Sum(m => m.ParameterBytes),
            process.WorkingSet64,
            process.PeakWorkingSet64,
            GC.GetGCMemoryInfo().HeapSizeBytes);
    }
}
