using Clap2Diffusion.Engine.Imaging;
using Clap2Diffusion.Engine.Runtime;
using SkiaSharp;

namespace Clap2Diffusion.Engine.Demo.World;

/// <summary>
/// Draws a scene: the ambience as the colour field behind everything, the background source as a texture over
/// it, the object in the middle, and the foreground event as a small marker at its own place. Each level is a
/// visual element a small diffusion model can learn and a small classifier can read back. Coordinates are
/// designed on a 64-pixel canvas and scale with the size.
/// </summary>
public static class SceneRenderer
{
    private static readonly Dictionary<string, SKColor> ObjectColors = new()
    {
        ["red"] = new SKColor(220, 40, 40),
        ["green"] = new SKColor(40, 170, 60),
        ["blue"] = new SKColor(40, 80, 225),
        ["yellow"] = new SKColor(245, 210, 30),
    };

    private static readonly Dictionary<string, SKColor> AmbienceFields = new()
    {
        [DemoVocabulary.None] = new SKColor(200, 200, 196),
        ["rain"] = new SKColor(72, 84, 118),
        ["wind"] = new SKColor(226, 206, 150),
        ["waves"] = new SKColor(34, 138, 150),
    };

    /// <summary>Renders the scene as RGB bytes (row-major, HWC). Jitter in size and placement comes from <paramref name="random"/>.</summary>
    public static byte[] Render(DemoScene scene, SeededRandom random, int size = 64)
    {
        return SkiaPixels.DrawRgb(size, size, canvas =>
        {
            canvas.Scale(size / 64f);
            DrawAmbience(canvas, scene.Ambience, random);
            DrawBackground(canvas, scene.Background, random);
            DrawObject(canvas, scene.Shape, scene.Color, random);
            DrawForeground(canvas, scene.Foreground, random);
        });
    }

    private static void DrawAmbience(SKCanvas canvas, string? ambience, SeededRandom random)
    {
        var field = Jitter(AmbienceFields[ambience ?? DemoVocabulary.None], random, 10);
        canvas.Clear(field);
        if (ambience == "waves")
        {
            // Darker swells toward the bottom, so waves differ from a flat teal by more than hue.
            using var paint = new SKPaint { Color = Shade(field, 0.75f), IsAntialias = true, Style = SKPaintStyle.Fill };
            var phase = (float)random.Uniform(0, 2 * Math.PI);
            using var path = new SKPath();
            path.MoveTo(0, 64);
            for (var x = 0; x <= 64; x += 2)
                path.LineTo(x, 46 + 3 * MathF.Sin(phase + x / 5f));
            path.LineTo(64, 64);
            path.Close();
            canvas.DrawPath(path, paint);
        }
    }

    private static void DrawBackground(SKCanvas canvas, string? background, SeededRandom random)
    {
        if (background is null)
            return;
        using var paint = new SKPaint { Color = new SKColor(0, 0, 0, 70), IsAntialias = true };
        var offset = (float)random.Uniform(0, 12);
        if (background == "engine")
        {
            // Horizontal bands: a steady drone drawn as a steady pattern.
            for (var y = offset - 12; y < 64; y += 12)
                canvas.DrawRect(0, y, 64, 6, paint);
        }
        else
        {
            // A grid of dots: many small voices.
            for (var y = offset / 2 - 8; y < 72; y += 16)
                for (var x = offset / 2 - 8; x < 72; x += 16)
                    canvas.DrawCircle(x, y, 4, paint);
        }
    }

    private static void DrawObject(SKCanvas canvas, string shape, string color, SeededRandom random)
    {
        var cx = 32 + (float)random.Uniform(-3, 3);
        var cy = 33 + (float)random.Uniform(-3, 3);
        var radius = (float)random.Uniform(14, 17);
        using var fill = new SKPaint { Color = Jitter(ObjectColors[color], random, 12), IsAntialias = true, Style = SKPaintStyle.Fill };
        using var outline = new SKPaint { Color = new SKColor(35, 35, 35), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f };
        using var path = ShapePath(shape, cx, cy, radius);
        canvas.DrawPath(path, fill);
        canvas.DrawPath(path, outline);
    }

    private static SKPath ShapePath(string shape, float cx, float cy, float r)
    {
        var path = new SKPath();
        switch (shape)
        {
            case "circle":
                path.AddCircle(cx, cy, r);
                break;
            case "square":
                var half = r * 0.85f;
                path.AddRect(new SKRect(cx - half, cy - half, cx + half, cy + half));
                break;
            case "triangle":
                AddPolygon(path, cx, cy + r * 0.15f, [r * 1.1f], 3);
                break;
            case "star":
                AddPolygon(path, cx, cy, [r * 1.1f, r * 0.48f], 10);
                break;
            default:
                throw new InputException($"'{shape}' is not a demo shape; known: {string.Join(", ", DemoVocabulary.Shapes)}");
        }
        return path;
    }

    // Vertices on circles of the given radii in turn, the first pointing straight up.
    private static void AddPolygon(SKPath path, float cx, float cy, float[] radii, int vertices)
    {
        for (var i = 0; i < vertices; i++)
        {
            var angle = -MathF.PI / 2 + 2 * MathF.PI * i / vertices;
            var r = radii[i % radii.Length];
            var point = new SKPoint(cx + r * MathF.Cos(angle), cy + r * MathF.Sin(angle));
            if (i == 0)
                path.MoveTo(point);
            else
                path.LineTo(point);
        }
        path.Close();
    }

    private static void DrawForeground(SKCanvas canvas, string? foreground, SeededRandom random)
    {
        if (foreground is null)
            return;
        var dx = (float)random.Uniform(-2, 2);
        var dy = (float)random.Uniform(-2, 2);
        switch (foreground)
        {
            case "barking":
            {
                // A brown paw print at the bottom left.
                using var paint = new SKPaint { Color = Jitter(new SKColor(120, 66, 28), random, 8), IsAntialias = true };
                canvas.DrawRoundRect(new SKRect(5 + dx, 49 + dy, 16 + dx, 59 + dy), 3, 3, paint);
                foreach (var toe in new[] { 5.5f, 10.5f, 15.5f })
                    canvas.DrawCircle(toe + dx, 46 + dy, 2.2f, paint);
                break;
            }
            case "bell":
            {
                // An orange bell at the top right.
                using var paint = new SKPaint { Color = Jitter(new SKColor(250, 135, 15), random, 8), IsAntialias = true };
                using var path = new SKPath();
                path.MoveTo(52 + dx, 4 + dy);
                path.CubicTo(47 + dx, 4 + dy, 47 + dx, 10 + dy, 45 + dx, 16 + dy);
                path.LineTo(59 + dx, 16 + dy);
                path.CubicTo(57 + dx, 10 + dy, 57 + dx, 4 + dy, 52 + dx, 4 + dy);
                path.Close();
                canvas.DrawPath(path, paint);
                canvas.DrawCircle(52 + dx, 18 + dy, 2.2f, paint);
                break;
            }
            default:
            {
                // A magenta bird, two wing strokes, at the top left.
                using var paint = new SKPaint
                {
                    Color = Jitter(new SKColor(205, 40, 185), random, 8), IsAntialias = true,
                    Style = SKPaintStyle.Stroke, StrokeWidth = 3, StrokeCap = SKStrokeCap.Round,
                };
                using var path = new SKPath();
                path.MoveTo(4 + dx, 8 + dy);
                path.QuadTo(8 + dx, 7 + dy, 11 + dx, 13 + dy);
                path.QuadTo(14 + dx, 7 + dy, 18 + dx, 8 + dy);
                canvas.DrawPath(path, paint);
                break;
            }
        }
    }

    private static SKColor Jitter(SKColor color, SeededRandom random, int amount)
    {
        byte Channel(byte value) => (byte)Math.Clamp(value + random.Next(2 * amount + 1) - amount, 0, 255);
        return new SKColor(Channel(color.Red), Channel(color.Green), Channel(color.Blue));
    }

    private static SKColor Shade(SKColor color, float factor) =>
        new((byte)(color.Red * factor), (byte)(color.Green * factor), (byte)(color.Blue * factor));
}
