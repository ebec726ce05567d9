using System.IO.MemoryMappedFiles;
using TorchSharp;

namespace Workflows.Torch.Checkpoints;

/// <summary>
/// A safetensors file opened read-only through a memory map: the header is parsed once, tensor
/// data is copied straight from the mapped pages into tensors when asked for.
/// </summary>
public sealed class SafetensorsFile : ITensorSource
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafetensorsTensorInfo> _tensors;

    private SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, long dataStart,
        List<SafetensorsTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        Path = path;
        _map = map;
        _view = view;
        _dataStart = dataStart;
        _tensors = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The file this was opened from.</summary>
    public string Path { get; }

    /// <summary>Header entries in file order.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> string map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <inheritdoc />
    public IEnumerable<string> Names => Tensors.Select(t => t.Name);

    /// <summary>Opens and validates <paramref name="path"/>.</summary>
    /// <exception cref="ModelLoadException">Missing file, truncated or corrupt header, unsupported dtype.</exception>
    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"{path}: safetensors file not found; check the model path");
        }

        var fileLength = new FileInfo(path).Length;
        if (fileLength < 8)
        {
            SafetensorsHeader.ReadLength(new byte[8], fileLength, path);
        }

        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        try
        {
            var prefix = new byte[8];
            view.ReadArray(0, prefix, 0, 8);
            var headerLength = SafetensorsHeader.ReadLength(prefix, fileLength, path);
            var header = new byte[headerLength];
            view.ReadArray(8, header, 0, header.Length);
            var dataStart = 8 + headerLength;
            var (tensors, metadata) = SafetensorsHeader.Parse(header, fileLength - dataStart, path);
            return new SafetensorsFile(path, map, view, dataStart, tensors, metadata);
        }
        catch
        {
            view.Dispose();
            map.Dispose();
            throw;
        }
    }

    /// <summary>The header entry for <paramref name="name"/>, or null.</summary>
    public SafetensorsTensorInfo? Find(string name) => _tensors.GetValueOrDefault(name);

    /// <inheritdoc />
    public bool Contains(string name) => _tensors.ContainsKey(name);

    /// <inheritdoc />
    public long[] GetShape(string name) => Get(name).Shape;

    /// <summary>Copies the tensor's raw bytes, as stored (little-endian).</summary>
    public byte[] ReadBytes(string name)
    {
        var info = Get(name);
        var bytes = new byte[info.ByteLength];
        _view.ReadArray(_dataStart + info.Begin, bytes, 0, bytes.Length);
        return bytes;
    }

    /// <inheritdoc />
    public torch.Tensor Read(string name)
    {
        var info = Get(name);
        // torch.frombuffer over a managed byte[] yields zeros in TorchSharp 0.107, so the bytes are
        // copied from the mapped view into the tensor's own storage instead.
        var tensor = torch.empty(info.Shape, info.Dtype.ToScalarType());
        unsafe
        {
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            try
            {
                var source = pointer + _view.PointerOffset + _dataStart + info.Begin;
                TensorBytes.CopyInto(tensor, source, info.ByteLength);
            }
            finally
            {
                _view.SafeMemoryMappedViewHandle.ReleasePointer();
            }
        }

        return tensor;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _view.Dispose();
        _map.Dispose();
    }

    private SafetensorsTensorInfo Get(string name) =>
        _tensors.GetValueOrDefault(name)
        ?? throw new ModelLoadException($"{Path}: no tensor named '{name}'");
}
