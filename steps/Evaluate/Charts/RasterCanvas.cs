namespace Workflows.Steps.Evaluate.Charts;

/// <summary>An RGB pixel grid with the few drawing operations the charts need. Drawing outside the
/// canvas is clipped rather than an error, so layout code need not guard every edge.</summary>
internal sealed class RasterCanvas
{
    private readonly byte[] _pixels;

    public RasterCanvas(int width, int height, Rgb background)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        _pixels = new byte[width * height * 3];
        FillRectangle(0, 0, width, height, background);
    }

    public int Width { get; }
    public int Height { get; }

    public Rgb this[int x, int y]
    {
        get
        {
            var i = (y * Width + x) * 3;
            return new Rgb(_pixels[i], _pixels[i + 1], _pixels[i + 2]);
        }
    }

    public void SetPixel(int x, int y, Rgb colour)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        var i = (y * Width + x) * 3;
        _pixels[i] = colour.R;
        _pixels[i + 1] = colour.G;
        _pixels[i + 2] = colour.B;
    }

    /// <summary>Fills the rectangle with its top-left corner at (x, y).</summary>
    public void FillRectangle(int x, int y, int width, int height, Rgb colour)
    {
        var left = Math.Max(x, 0);
        var right = Math.Min(x + width, Width);
        var top = Math.Max(y, 0);
        var bottom = Math.Min(y + height, Height);
        for (var row = top; row < bottom; row++)
        for (var col = left; col < right; col++)
            SetPixel(col, row, colour);
    }

    /// <summary>A one-pixel line from (x0, y0) to (x1, y1), both ends included (Bresenham).</summary>
    public void DrawLine(int x0, int y0, int x1, int y1, Rgb colour)
    {
        int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0);
        int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
        var error = dx + dy;
        while (true)
        {
            SetPixel(x0, y0, colour);
            if (x0 == x1 && y0 == y1) return;
            var twice = 2 * error;
            if (twice >= dy) { error += dy; x0 += sx; }
            if (twice <= dx) { error += dx; y0 += sy; }
        }
    }

    public byte[] ToPng() => PngEncoder.Encode(Width, Height, 3, _pixels);
}
