using Switchyard.Registry.Internal;
using Switchyard.Registry.Scanning.Gguf;
using Switchyard.Registry.Scanning.HuggingFace;
using Switchyard.Registry.Scanning.Keras;
using Switchyard.Registry.Scanning.Numpy;
using Switchyard.Registry.Scanning.Onnx;
using Switchyard.Registry.Scanning.Pickle;
using Switchyard.Registry.Scanning.Safetensors;
using Switchyard.Registry.Scanning.Templates;
using Switchyard.Registry.Scanning.TensorFlow;
using Switchyard.Registry.Scanning.Torch;

namespace Switchyard.Registry.Scanning;

/// <summary>
/// Scans model files for code hidden in them, without loading, importing or executing anything, and hashes each one.
/// </summary>
/// <remarks>
/// <code>
/// paths ──► files (folders recursively, sorted) ──► per file:
///   first bytes ──► FormatDetector ──► format ──┬─ Pickle      ──► PickleAnalyzer (whole stream, bounded; legacy torch: 5 pickles + raw tail)
///        │      (+ name: .onnx, .pb, .h5,       ├─ Zip         ──► TorchZipScanner ──► PickleAnalyzer per pickle member,
///        │       text that only looks pickled)  │                    Keras config.json ──► KerasConfigInspector, nested archives (depth 3)
///        │                                      ├─ Tar         ──► TorchTarScanner (legacy torch tar) ──► PickleAnalyzer
///        │                                      ├─ ONNX        ──► OnnxScanner (custom-domain ops, external data paths)
///        │                                      ├─ SavedModel  ──► SavedModelScanner ──► TensorFlowOpPolicy
///        │                                      │   (keras_metadata.pb ──► KerasMetadataScanner ──► KerasConfigInspector)
///        │                                      ├─ HDF5        ──► Hdf5Scanner (model_config byte search) ──► KerasConfigInspector
///        │ extension vs content mismatch        ├─ Safetensors ──► SafetensorsValidator (header only)
///        ▼                                      ├─ NumPy .npy  ──► NpyScanner (header; object arrays ──► PickleAnalyzer)
///   finding                                     ├─ GGUF        ──► GgufValidator (header, KVs, tensor infos; chat templates ──► ChatTemplateInspector)
///                                               ├─ .jinja, tokenizer_config.json, chat_template.json ──► TemplateFileScanner ──► ChatTemplateInspector
///                                               ├─ config.json, tokenizer.json... ──► HfJsonFileScanner (well-formed; auto_map)
///                                               ├─ tokenizer.model, *.tiktoken ──► TokenizerVocabularyScanner (SentencePiece / tiktoken)
///                                               ├─ *.onnx_data, *.data-00000-of-00001 (not a pickle, zip...) ──► info: raw tensor data
///                                               ├─ *.index, fingerprint.pb ──► CheckpointFileScanner (TF checkpoint index, hashes)
///                                               └─ unknown     ──► "not scanned" finding (never clean)
///                                whole file ──► SHA-256 (streamed)
/// </code>
/// Default-deny throughout: what is not understood is a finding, and a file with a finding is never clean.
/// </remarks>
public sealed class WeightScanner
{
    /// <summary>Largest raw pickle file read into memory for analysis; above it the file is a finding, not a pass.</summary>
    public const long MaxPickleFileBytes = 1L << 30;

    private const int MaxFolderDepth = 64;

    private readonly IProgress<ScanProgress>? _progress;
    private readonly TimeProvider _time;

    /// <summary>A scanner that reports no progress.</summary>
    public WeightScanner()
        : this(null, TimeProvider.System)
    {
    }

    /// <summary>A scanner that reports files and bytes done to <paramref name="progress"/>, at most about ten times a second.</summary>
    public WeightScanner(IProgress<ScanProgress>? progress, TimeProvider timeProvider)
    {
        _progress = progress;
        _time = timeProvider;
    }

    /// <summary>Scans every file under <paramref name="paths"/> (files or folders, recursively).</summary>
    public async Task<ScanReport> ScanAsync(IEnumerable<string> paths, CancellationToken cancellationToken = default)
    {
        var errors = new List<string>();
        var files = CollectFiles(paths, errors);
        var meter = CreateMeter(files);

        var results = new List<FileScanResult>(files.Count);
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            meter.StartFile(file);
            var result = await ScanFileAsync(file, meter, cancellationToken).ConfigureAwait(false);
            meter.EndFile(result.Size);
            results.Add(result);
        }
        meter.Complete();
        return new ScanReport(results, errors);
    }

    /// <summary>A meter over <paramref name="files"/>' sizes, or one that reports nowhere when nobody listens.</summary>
    internal ProgressMeter CreateMeter(IReadOnlyList<string> files)
    {
        if (_progress is null)
        {
            return ProgressMeter.None;
        }
        long total = 0;
        foreach (var file in files)
        {
            try
            {
                total += new FileInfo(file).Length;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The scan reports the error; the total just leaves the file out.
            }
        }
        return new ProgressMeter(_progress, _time, files.Count, total);
    }

    /// <summary>
    /// The files under <paramref name="paths"/>: files as given, folders walked recursively and sorted (ordinal).
    /// Paths that do not exist and folders that cannot be listed are added to <paramref name="errors"/>.
    /// </summary>
    internal static List<string> CollectFiles(IEnumerable<string> paths, List<string> errors)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                files.Add(path);
            }
            else if (Directory.Exists(path))
            {
                var found = new List<string>();
                Walk(new DirectoryInfo(path), 0, found, errors);
                found.Sort(StringComparer.Ordinal);
                files.AddRange(found);
            }
            else
            {
                errors.Add($"{path}: no such file or folder");
            }
        }
        return files;
    }

    // SECURITY: symlinked folders are not followed (a link to ".." would loop, one to "/" would scan the machine); they
    // are reported so that nothing is skipped silently. Symlinked files are followed: the Hugging Face cache links to blobs.
    private static void Walk(DirectoryInfo folder, int depth, List<string> files, List<string> errors)
    {
        if (depth > MaxFolderDepth)
        {
            errors.Add($"{folder.FullName}: deeper than {MaxFolderDepth} folders, not scanned");
            return;
        }
        try
        {
            foreach (var entry in folder.EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo sub)
                {
                    if (sub.LinkTarget is not null)
                    {
                        errors.Add($"{sub.FullName}: symbolic link to a folder, not followed (scan {sub.LinkTarget} directly)");
                        continue;
                    }
                    Walk(sub, depth + 1, files, errors);
                }
                else
                {
                    files.Add(Path.Combine(folder.ToString(), entry.Name));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            errors.Add($"{folder.FullName}: cannot list the folder: {e.Message}");
        }
    }

    /// <summary>Scans one file.</summary>
    public Task<FileScanResult> ScanFileAsync(string path, CancellationToken cancellationToken = default) =>
        ScanFileAsync(path, ProgressMeter.None, cancellationToken);

    private static async Task<FileScanResult> ScanFileAsync(string path, ProgressMeter meter, CancellationToken cancellationToken)
    {
        var findings = new List<ScanFinding>();
        var imports = new List<string>();
        long size = 0;
        var format = FileFormat.Unknown;
        GgufModelInfo? model = null;
        try
        {
            size = new FileInfo(path).Length;
            if (size == 0)
            {
                // SECURITY: FIFOs, devices and /proc files report length 0 and can block or never end: never open them.
                findings.Add(new ScanFinding(path, -1, null, null, FindingSeverity.Medium,
                    "empty file, or not a regular file (FIFO, device): nothing to scan") { RuleId = ScanRules.FileEmpty });
                return new FileScanResult(path, format, size, null, findings, imports, null);
            }
            await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess))
            {
                if (stream.Length != size)
                {
                    throw new IOException("the file changed size while being scanned");
                }
                var head = new byte[FormatDetector.HeadLength];
                var got = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
                format = FormatDetector.Refine(path, FormatDetector.Detect(head.AsSpan(0, got), size), head.AsSpan(0, got), stream);
                CheckExtension(path, format, findings);
                stream.Position = 0;
                model = Analyze(stream, path, format, findings, imports);
            }
            var sha = await FileHasher.Sha256Async(path, size, meter, cancellationToken).ConfigureAwait(false);
            return new FileScanResult(path, format, size, sha, findings, imports, null) { Model = model };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new FileScanResult(path, format, size, null, findings, imports, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // SECURITY: fail closed. A bug in an analyser must never turn into a pass, nor abort the other files' scans.
            findings.Add(new ScanFinding(path, -1, null, null, FindingSeverity.High, $"could not be parsed: internal error {e.GetType().Name}: {e.Message}")
            {
                RuleId = ScanRules.InternalError,
            });
            return new FileScanResult(path, format, size, null, findings, imports, null);
        }
    }

    private static GgufModelInfo? Analyze(FileStream stream, string path, FileFormat format, List<ScanFinding> findings, List<string> imports)
    {
        switch (format)
        {
            case FileFormat.Pickle when LegacyTorchScanner.IsLegacy(stream):
                findings.AddRange(LegacyTorchScanner.Scan(stream, path, imports));
                break;
            case FileFormat.Pickle:
                if (stream.Length > MaxPickleFileBytes)
                {
                    findings.Add(new ScanFinding(path, -1, null, null, FindingSeverity.High,
                        $"limit exceeded: a pickle of {stream.Length} bytes (at most {MaxPickleFileBytes}) is not analysed")
                    {
                        RuleId = ScanRules.PickleLimitExceeded,
                    });
                    return null;
                }
                var data = new byte[stream.Length];
                stream.ReadExactly(data);
                var analysis = PickleAnalyzer.Analyze(data, path);
                if (!analysis.Parsed && analysis.Globals.Count == 0 && IsDocumentation(path, stream))
                {
                    // A LICENSE that opens "LLAMA 3.1 COMMUNITY ..." sniffs as a protocol-0 pickle ('L' is LONG). It did not
                    // parse as one and imports nothing, and it is documentation text: nothing a loader executes. A file
                    // that parses as a pickle keeps its findings whatever its name.
                    findings.Add(new ScanFinding(path, -1, null, null, FindingSeverity.Info,
                        "documentation text (model card, licence, notice) that starts like a text pickle but is not one"));
                    break;
                }

                findings.AddRange(analysis.Findings);
                imports.AddRange(analysis.Globals);
                if (analysis.Parsed && analysis.PickleCount > 0)
                {
                    findings.Add(new ScanFinding(path, -1, null, null, FindingSeverity.Info,
                        $"pickle: {analysis.PickleCount} stream(s); prefer safetensors, which cannot carry code")
                    {
                        RuleId = ScanRules.PickleInfo,
                    });
                }
                break;
            case FileFormat.Zip:
                findings.AddRange(TorchZipScanner.Scan(stream, path, imports));
                break;
            case FileFormat.Safetensors:
                findings.AddRange(SafetensorsValidator.Validate(stream, path));
                break;
            case FileFormat.Numpy:
                findings.AddRange(NpyScanner.Scan(stream, path, imports));
                break;
            case FileFormat.Gguf:
                findings.AddRange(GgufValidator.Validate(stream, path, out var model));
                return model;
            case FileFormat.Tar:
                findings.AddRange(TorchTarScanner.Scan(stream, path, imports));
                break;
            case FileFormat.Onnx:
                findings.AddRange(OnnxScanner.Scan(stream, path, Path.GetDirectoryName(Path.GetFullPath(path))));
                break;
            case FileFormat.TensorFlowSavedModel when CheckpointFileScanner.IsFingerprint(path):
                findings.AddRange(CheckpointFileScanner.ScanFingerprint(stream, path));
                break;
            case FileFormat.TensorFlowSavedModel when KerasMetadataScanner.Handles(path):
                findings.AddRange(KerasMetadataScanner.Scan(stream, path));
                break;
            case FileFormat.TensorFlowSavedModel:
                findings.AddRange(SavedModelScanner.Scan(stream, path));
                break;
            case FileFormat.Hdf5:
                findings.AddRange(Hdf5Scanner.Scan(stream, path));
                break;
            case FileFormat.Unknown when TemplateFileScanner.Handles(path):
                findings.AddRange(TemplateFileScanner.Scan(stream, path));
                break;
            case FileFormat.Unknown when HfJsonFileScanner.Handles(path):
                findings.AddRange(HfJsonFileScanner.Scan(stream, path));
                break;
            case FileFormat.Unknown when TokenizerVocabularyScanner.Handles(path):
                findings.AddRange(TokenizerVocabularyScanner.Scan(stream, path));
                break;
            case FileFormat.Unknown when FormatDetector.IsRawTensorData(path):
                findings.Add(new ScanFinding(path, -1, null, null, FindingSeverity.Info,
                    "raw tensor data (ONNX external data or a TensorFlow checkpoint shard): read by offset, never parsed"));
                break;
            case FileFormat.Unknown when CheckpointFileScanner.IsIndex(path):
                findings.AddRange(CheckpointFileScanner.ScanIndex(stream, path));
                break;
            case FileFormat.Unknown when IsDocumentation(path, stream):
                findings.Add(new ScanFinding(path, -1, null, null, FindingSeverity.Info,
                    "documentation text (model card, licence, notice): UTF-8 text without control bytes, nothing a loader executes"));
                break;
            default:
                findings.Add(new ScanFinding(path, -1, null, null, FindingSeverity.Medium,
                    "content is not a model format this scanner recognises: not scanned") { RuleId = ScanRules.FileNotScanned });
                break;
        }
        return null;
    }

    private static void CheckExtension(string path, FileFormat format, List<ScanFinding> findings)
    {
        var expected = FormatDetector.Expected(path);
        if (expected is null || Array.IndexOf(expected, format) >= 0)
        {
            return;
        }
        // SECURITY: loaders pick the reader from the content; a name that disagrees is how CVE-2025-10155 slipped past.
        var severity = format is FileFormat.Pickle or FileFormat.Zip ? FindingSeverity.High : FindingSeverity.Medium;
        findings.Add(new ScanFinding(path, 0, null, null, severity,
            $"extension '{Path.GetExtension(path)}' does not match the content, which is {format}")
        {
            RuleId = ScanRules.FileExtensionMismatch,
        });
    }

    /// <summary>
    /// A model folder's documentation: a README, LICENSE, NOTICE or USE_POLICY file, or a .md/.txt file, whose whole
    /// content (at most 4 MiB) is valid UTF-8 with no control bytes other than tab, CR and LF. Content sniffing has
    /// already ruled out every model format, so such a file cannot be a disguised pickle or archive.
    /// </summary>
    private static bool IsDocumentation(string path, Stream stream)
    {
        var name = Path.GetFileName(path).ToUpperInvariant();
        var documentName = name.EndsWith(".MD", StringComparison.Ordinal) || name.EndsWith(".TXT", StringComparison.Ordinal)
            || name.StartsWith("LICENSE", StringComparison.Ordinal) || name.StartsWith("LICENCE", StringComparison.Ordinal)
            || name.StartsWith("NOTICE", StringComparison.Ordinal) || name.StartsWith("USE_POLICY", StringComparison.Ordinal) || name == ".GITATTRIBUTES";
        if (!documentName || !stream.CanSeek || stream.Length > 4 << 20)
        {
            return false;
        }

        stream.Position = 0;
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return false;
        }

        foreach (var b in bytes)
        {
            if (b < 0x20 && b is not (byte)'\t' and not (byte)'\r' and not (byte)'\n')
            {
                return false;
            }
        }

        return true;
    }
}
