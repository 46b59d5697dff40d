using System.Text;

namespace Clap2Diffusion.Server.Uploads;

/// <summary>
/// Turns whatever name a client sent into one that is safe to show and to offer as a download name. Stored
/// files are named by hash, so this name never becomes a path; it is still stripped of directories, control
/// and reserved characters so it cannot mislead a page or a download dialog.
/// </summary>
public static class SafeFileName
{
    public const int MaxLength = 100;

    public static string From(string? raw, string fallback)
    {
        var name = (raw ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        var kept = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            if (Rune.IsControl(rune) || rune.Value is '<' or '>' or ':' or '"' or '|' or '?' or '*' or '%'
                || Rune.GetUnicodeCategory(rune) is System.Globalization.UnicodeCategory.Format)
                kept.Append('_');
            else
                kept.Append(rune.ToString());
        }

        var cleaned = kept.ToString().Trim().Trim('.').Trim();
        if (cleaned.Length > MaxLength)
            cleaned = cleaned[..MaxLength].TrimEnd();
        return cleaned.Length == 0 || cleaned.All(c => c == '_') ? fallback : cleaned;
    }
}
