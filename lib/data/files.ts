/**
 * The four Fashion-MNIST files as Zalando Research publishes them: names,
 * address and MD5 checksums, from the "Get the Data" table of
 * https://github.com/zalandoresearch/fashion-mnist (README).
 *
 * @module
 */

/** Official download address of the four files; each file's name is appended to it. */
export const FASHION_MNIST_BASE_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

/** One of the four published files. */
export interface FashionMnistFile {
  /** Published file name, for example `"train-images-idx3-ubyte.gz"`. */
  name: string;
  /** The same file un-gzipped, as some copies store it: `"train-images-idx3-ubyte"`. */
  rawName: string;
  /** The split the file belongs to: 60,000 training or 10,000 test items. */
  split: "train" | "test";
  /** Images (IDX magic 2051, `[n, 28, 28]`) or labels (IDX magic 2049, `[n]`). */
  kind: "images" | "labels";
  /**
   * MD5 of the published `.gz` file. Only downloads are checked against it:
   * Debian's dataset-fashion-mnist recompressed the files, so their MD5s differ
   * while the data inside is the same.
   */
  md5: string;
}

/** The four files in the order they are downloaded: train images, train labels, test images, test labels. */
export const FASHION_MNIST_FILES: readonly FashionMnistFile[] = [
  {
    name: "train-images-idx3-ubyte.gz",
    rawName: "train-images-idx3-ubyte",
    split: "train",
    kind: "images",
    md5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
  },
  {
    name: "train-labels-idx1-ubyte.gz",
    rawName: "train-labels-idx1-ubyte",
    split: "train",
    kind: "labels",
    md5: "25c81989df183df01b3e8a0aad5dffbe",
  },
  {
    name: "t10k-images-idx3-ubyte.gz",
    rawName: "t10k-images-idx3-ubyte",
    split: "test",
    kind: "images",
    md5: "bef4ecab320f06d8554ea6380940ec79",
  },
  {
    name: "t10k-labels-idx1-ubyte.gz",
    rawName: "t10k-labels-idx1-ubyte",
    split: "test",
    kind: "labels",
    md5: "bb300cfdad3c16e7a12a480ee83cd310",
  },
];
