using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

// Sets VER_FLG_WEAK on chosen version needs (.gnu.version_r) of 64-bit little-endian ELF files.
// A weak version need that the system library lacks is skipped by the loader instead of being fatal;
// one that the library has is bound as usual.
public sealed class MarkElfVersionNeedsWeak : Task
{
    private const uint SectionTypeVersionNeed = 0x6ffffffe; // SHT_GNU_verneed
    private const ushort VersionFlagWeak = 0x2;             // VER_FLG_WEAK

    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    [Required]
    public string Versions { get; set; } = string.Empty;

    public override bool Execute()
    {
        var wanted = new HashSet<string>(Versions.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries));
        foreach (var item in Files)
        {
            var path = item.ItemSpec;
            try
            {
                var bytes = File.ReadAllBytes(path);
                var changed = MarkWeak(bytes, wanted);
                if (changed.Count == 0)
                {
                    Log.LogMessage(MessageImportance.Low, "{0}: no version needs to change", path);
                    continue;
                }
                // Write a new file and rename it over the old one: the output copy may be a hard link
                // into the NuGet cache, which must stay as published.
                var temporary = path + ".weak-tmp";
                File.WriteAllBytes(temporary, bytes);
                File.Delete(path);
                File.Move(temporary, path);
                Log.LogMessage(MessageImportance.Normal, "{0}: marked weak: {1}", path, string.Join(", ", changed));
            }
            catch (Exception error) when (error is IOException || error is InvalidDataException || error is UnauthorizedAccessException)
            {
                Log.LogError("Could not mark version needs weak in {0}: {1}", path, error.Message);
            }
        }
        return !Log.HasLoggedErrors;
    }

    private static List<string> MarkWeak(byte[] elf, HashSet<string> wanted)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("only 64-bit little-endian ELF is supported");

        var sectionTableOffset = checked((long)BitConverter.ToUInt64(elf, 0x28));
        int sectionEntrySize = BitConverter.ToUInt16(elf, 0x3A);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3C);
        var changed = new List<string>();

        for (var index = 0; index < sectionCount; index++)
        {
            var header = checked((int)(sectionTableOffset + (long)index * sectionEntrySize));
            if (BitConverter.ToUInt32(elf, header + 4) != SectionTypeVersionNeed)
                continue;

            var needOffset = checked((int)BitConverter.ToUInt64(elf, header + 24));
            var stringTableIndex = (int)BitConverter.ToUInt32(elf, header + 40);
            var needCount = (int)BitConverter.ToUInt32(elf, header + 44);
            var stringTableHeader = checked((int)(sectionTableOffset + (long)stringTableIndex * sectionEntrySize));
            var stringTable = checked((int)BitConverter.ToUInt64(elf, stringTableHeader + 24));

            for (var need = 0; need < needCount; need++)
            {
                int auxCount = BitConverter.ToUInt16(elf, needOffset + 2);
                var aux = needOffset + (int)BitConverter.ToUInt32(elf, needOffset + 8);
                for (var a = 0; a < auxCount; a++)
                {
                    var name = ReadString(elf, stringTable + (int)BitConverter.ToUInt32(elf, aux + 8));
                    if (wanted.Contains(name))
                    {
                        var flags = BitConverter.ToUInt16(elf, aux + 4);
                        if ((flags & VersionFlagWeak) == 0)
                        {
                            flags |= VersionFlagWeak;
                            elf[aux + 4] = (byte)(flags & 0xff);
                            elf[aux + 5] = (byte)(flags >> 8);
                            changed.Add(name);
                        }
                    }
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                var next = (int)BitConverter.ToUInt32(elf, needOffset + 12);
                if (next == 0)
                    break;
                needOffset += next;
            }
        }
        return changed;
    }

    private static string ReadString(byte[] data, int offset)
    {
        var end = Array.IndexOf(data, (byte)0, offset);
        if (end < 0)
            throw new InvalidDataException("unterminated string in the ELF string table");
        return Encoding.ASCII.GetString(data, offset, end - offset);
    }
}
