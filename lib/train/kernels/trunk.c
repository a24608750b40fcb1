/*
 * The exercise network's convolutional trunk, forward and backward, in
 * WebAssembly SIMD (128-bit, four float32 lanes):
 *
 *   images [b, 28, 28, 1] → conv1 3×3 1→10 → ReLU → maxpool 2
 *     → conv2 3×3 10→20 → ReLU → maxpool 2 → features [b, 5, 5, 20]
 *
 * Layouts are tfjs's: NHWC activations, HWIO filters [kh, kw, in, out].
 * tools/build_trunk.ts compiles this file with clang into trunk_wasm.ts;
 * lib/train/trunk/mod.ts registers it as a tfjs kernel on the wasm backend.
 *
 * Why it is faster than running the trunk op by op:
 * - ReLU and max pooling are done in registers right after each
 *   convolution, which stores only the pooled maximum and which of the
 *   four window positions held it.
 * - conv2's row and column 10 are never computed: pooling drops them.
 * - Backward, only a window's winning position gets a gradient, so the
 *   filter and input gradients of conv2 visit 25 positions per channel
 *   instead of 121, and those of conv1 169 instead of 676. Positions whose
 *   pooled output is 0 (ReLU inactive) are skipped altogether.
 *
 * Ties inside a pooling window go to the first position in row-major order,
 * as tfjs's cpu MaxPoolGrad does. There is no libc: the file uses no calls,
 * and clang lowers copies and fills to bulk-memory instructions.
 */

#include <wasm_simd128.h>

#define IMAGE 28
#define C1 10
#define A1 26 /* conv1 output side */
#define P1 13 /* pooled1 side */
#define C2 20
#define P2 5 /* pooled2 side */
#define ROW1 (P1 * C1) /* floats in one pooled1 row: 130 */
#define PATCH_ROW 32   /* 3 columns × 10 channels = 30, padded to 8 vectors */

/* conv1 filter as [tap][12]: channels padded from 10 to 3 vectors with zeros. */
static float w1_taps[9 * 12];
static float b1_padded[12];

/* conv2 filter as tfjs gives it, [tap][ci][co], and transposed to [co][kh][32]. */
static float w2_taps[9 * C1 * C2];
static float w2_by_out[C2 * 3 * PATCH_ROW];
static float b2[C2];

/* Gradient accumulators: conv2 as [co][kh][32], conv1 as [ci][tap]. */
static float dw2_by_out[C2 * 3 * PATCH_ROW];
static float db2[C2];
static float dw1_by_out[C1 * 9];
static float db1[C1];

/* Gradient of the loss with respect to one image's pooled1, plus slack the padded rows write into. */
static float d_pooled1[P1 * P1 * C1 + 8];

/** Copies the filters and biases in; call before trunk_forward and trunk_backward. */
__attribute__((export_name("trunk_set_weights"))) void trunk_set_weights(
    const float *w1, const float *bias1, const float *w2, const float *bias2) {
  for (int i = 0; i < 9 * 12; i++) w1_taps[i] = 0.0f;
  for (int i = 0; i < 12; i++) b1_padded[i] = 0.0f;
  for (int tap = 0; tap < 9; tap++) {
    for (int c = 0; c < C1; c++) w1_taps[tap * 12 + c] = w1[tap * C1 + c];
  }
  for (int c = 0; c < C1; c++) b1_padded[c] = bias1[c];

  for (int i = 0; i < 9 * C1 * C2; i++) w2_taps[i] = w2[i];
  for (int i = 0; i < C2 * 3 * PATCH_ROW; i++) w2_by_out[i] = 0.0f;
  for (int kh = 0; kh < 3; kh++) {
    for (int kw = 0; kw < 3; kw++) {
      for (int ci = 0; ci < C1; ci++) {
        for (int co = 0; co < C2; co++) {
          w2_by_out[(co * 3 + kh) * PATCH_ROW + kw * C1 + ci] = w2[((kh * 3 + kw) * C1 + ci) * C2 + co];
        }
      }
    }
  }
  for (int c = 0; c < C2; c++) b2[c] = bias2[c];
}

/* Keeps the larger of `value` and `best` per lane, the first on ties, and records `position` where `value` won. */
static inline void keep_max(v128_t value, int position, v128_t *best, v128_t *where) {
  v128_t wins = wasm_f32x4_gt(value, *best);
  *best = wasm_v128_bitselect(value, *best, wins);
  *where = wasm_v128_bitselect(wasm_i32x4_splat(position), *where, wins);
}

/* conv1 + bias + ReLU + maxpool for one image: pooled [13, 13, 10] and the winning window position 0–3. */
static void conv1_pool(const float *image, float *pooled, int *argmax) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  const v128_t bias0 = wasm_v128_load(b1_padded);
  const v128_t bias1 = wasm_v128_load(b1_padded + 4);
  const v128_t bias2 = wasm_v128_load(b1_padded + 8);

  for (int py = 0; py < P1; py++) {
    for (int px = 0; px < P1; px++) {
      v128_t best0 = zero, best1 = zero, best2 = zero;
      v128_t where0 = wasm_i32x4_splat(0), where1 = where0, where2 = where0;

      for (int position = 0; position < 4; position++) {
        const float *in = image + (2 * py + (position >> 1)) * IMAGE + 2 * px + (position & 1);
        v128_t acc0 = bias0, acc1 = bias1, acc2 = bias2;
        for (int kh = 0; kh < 3; kh++) {
          for (int kw = 0; kw < 3; kw++) {
            const v128_t pixel = wasm_f32x4_splat(in[kh * IMAGE + kw]);
            const float *w = w1_taps + (kh * 3 + kw) * 12;
            acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(pixel, wasm_v128_load(w)));
            acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(pixel, wasm_v128_load(w + 4)));
            acc2 = wasm_f32x4_add(acc2, wasm_f32x4_mul(pixel, wasm_v128_load(w + 8)));
          }
        }
        if (position == 0) {
          best0 = acc0, best1 = acc1, best2 = acc2;
        } else {
          keep_max(acc0, position, &best0, &where0);
          keep_max(acc1, position, &best1, &where1);
          keep_max(acc2, position, &best2, &where2);
        }
      }

      /* ReLU after the max equals the max after ReLU. Lanes 10 and 11 are padding and are not stored. */
      float *out = pooled + (py * P1 + px) * C1;
      int *out_where = argmax + (py * P1 + px) * C1;
      wasm_v128_store(out, wasm_f32x4_max(best0, zero));
      wasm_v128_store(out + 4, wasm_f32x4_max(best1, zero));
      wasm_v128_store64_lane(out + 8, wasm_f32x4_max(best2, zero), 0);
      wasm_v128_store(out_where, where0);
      wasm_v128_store(out_where + 4, where1);
      wasm_v128_store64_lane(out_where + 8, where2, 0);
    }
  }
}

/*
 * conv2 + bias + ReLU + maxpool for one image: features [5, 5, 20] and the
 * winning position 0–3. Two horizontally adjacent outputs share each filter load.
 */
static void conv2_pool(const float *pooled1, float *features, int *argmax) {
  const v128_t zero = wasm_f32x4_splat(0.0f);

  for (int py = 0; py < P2; py++) {
    for (int px = 0; px < P2; px++) {
      v128_t best[5], where[5];
      for (int row = 0; row < 2; row++) {
        v128_t left[5], right[5];
        for (int j = 0; j < 5; j++) left[j] = right[j] = wasm_v128_load(b2 + 4 * j);

        const float *in = pooled1 + (2 * py + row) * ROW1 + 2 * px * C1;
        for (int kh = 0; kh < 3; kh++) {
          for (int kw = 0; kw < 3; kw++) {
            const float *a = in + kh * ROW1 + kw * C1;
            const float *w = w2_taps + (kh * 3 + kw) * C1 * C2;
            for (int ci = 0; ci < C1; ci++) {
              const v128_t va = wasm_f32x4_splat(a[ci]);
              const v128_t vb = wasm_f32x4_splat(a[ci + C1]);
              for (int j = 0; j < 5; j++) {
                const v128_t wv = wasm_v128_load(w + ci * C2 + 4 * j);
                left[j] = wasm_f32x4_add(left[j], wasm_f32x4_mul(va, wv));
                right[j] = wasm_f32x4_add(right[j], wasm_f32x4_mul(vb, wv));
              }
            }
          }
        }

        for (int j = 0; j < 5; j++) {
          if (row == 0) {
            best[j] = left[j];
            where[j] = wasm_i32x4_splat(0);
          } else {
            keep_max(left[j], 2, &best[j], &where[j]);
          }
          keep_max(right[j], 2 * row + 1, &best[j], &where[j]);
        }
      }

      float *out = features + (py * P2 + px) * C2;
      int *out_where = argmax + (py * P2 + px) * C2;
      for (int j = 0; j < 5; j++) {
        wasm_v128_store(out + 4 * j, wasm_f32x4_max(best[j], zero));
        wasm_v128_store(out_where + 4 * j, where[j]);
      }
    }
  }
}

/**
 * Forward pass of `batch` images [b, 28, 28]: pooled1 [b, 13, 13, 10],
 * argmax1 [b, 13, 13, 10], features [b, 5, 5, 20], argmax2 [b, 5, 5, 20].
 */
__attribute__((export_name("trunk_forward"))) void trunk_forward(
    int batch, const float *images, float *pooled1, int *argmax1, float *features, int *argmax2) {
  for (int b = 0; b < batch; b++) {
    conv1_pool(images + b * IMAGE * IMAGE, pooled1 + b * P1 * P1 * C1, argmax1 + b * P1 * P1 * C1);
    conv2_pool(pooled1 + b * P1 * P1 * C1, features + b * P2 * P2 * C2, argmax2 + b * P2 * P2 * C2);
  }
}

/** Zeroes the gradient accumulators; call once per batch before trunk_backward. */
__attribute__((export_name("trunk_backward_begin"))) void trunk_backward_begin(void) {
  for (int i = 0; i < C2 * 3 * PATCH_ROW; i++) dw2_by_out[i] = 0.0f;
  for (int i = 0; i < C2; i++) db2[i] = 0.0f;
  for (int i = 0; i < C1 * 9; i++) dw1_by_out[i] = 0.0f;
  for (int i = 0; i < C1; i++) db1[i] = 0.0f;
}

/* Backward through conv2's ReLU and pooling for one image: accumulates dW2, db2 and fills d_pooled1. */
static void conv2_backward(const float *pooled1, const float *features, const int *argmax, const float *d_features) {
  for (int i = 0; i < P1 * P1 * C1 + 8; i++) d_pooled1[i] = 0.0f;

  for (int p = 0; p < P2 * P2; p++) {
    const int py = p / P2, px = p % P2;
    for (int co = 0; co < C2; co++) {
      const int index = p * C2 + co;
      const float g = d_features[index];
      // A pooled output of 0 means the ReLU was inactive at the winning position.
      if (features[index] <= 0.0f || g == 0.0f) continue;

      const int y = 2 * py + (argmax[index] >> 1), x = 2 * px + (argmax[index] & 1);
      const v128_t gv = wasm_f32x4_splat(g);
      db2[co] += g;
      for (int kh = 0; kh < 3; kh++) {
        // One row of the 3×3×10 patch is 30 floats. The 2 padding lanes read the next column, which is inside
        // the image, so they add to dW's padding, and they add g·0 to d_pooled1.
        const float *patch = pooled1 + (y + kh) * ROW1 + x * C1;
        float *d_patch = d_pooled1 + (y + kh) * ROW1 + x * C1;
        float *dw = dw2_by_out + (co * 3 + kh) * PATCH_ROW;
        const float *w = w2_by_out + (co * 3 + kh) * PATCH_ROW;
        for (int v = 0; v < PATCH_ROW / 4; v++) {
          wasm_v128_store(dw + 4 * v,
              wasm_f32x4_add(wasm_v128_load(dw + 4 * v), wasm_f32x4_mul(gv, wasm_v128_load(patch + 4 * v))));
          wasm_v128_store(d_patch + 4 * v,
              wasm_f32x4_add(wasm_v128_load(d_patch + 4 * v), wasm_f32x4_mul(gv, wasm_v128_load(w + 4 * v))));
        }
      }
    }
  }
}

/* Backward through conv1's ReLU and pooling for one image: accumulates dW1 and db1 from d_pooled1. */
static void conv1_backward(const float *image, const float *pooled1, const int *argmax) {
  for (int p = 0; p < P1 * P1; p++) {
    const int py = p / P1, px = p % P1;
    for (int ci = 0; ci < C1; ci++) {
      const int index = p * C1 + ci;
      const float g = d_pooled1[index];
      if (pooled1[index] <= 0.0f || g == 0.0f) continue;

      const int y = 2 * py + (argmax[index] >> 1), x = 2 * px + (argmax[index] & 1);
      const float *in = image + y * IMAGE + x;
      float *dw = dw1_by_out + ci * 9;
      db1[ci] += g;
      for (int kh = 0; kh < 3; kh++) {
        for (int kw = 0; kw < 3; kw++) dw[kh * 3 + kw] += g * in[kh * IMAGE + kw];
      }
    }
  }
}

/**
 * Backward pass of `batch` images given d_features [b, 5, 5, 20] and the
 * forward pass's outputs; adds to the accumulators. No input gradient: the
 * images are data.
 */
__attribute__((export_name("trunk_backward"))) void trunk_backward(int batch, const float *images,
    const float *pooled1, const int *argmax1, const float *features, const int *argmax2, const float *d_features) {
  for (int b = 0; b < batch; b++) {
    const float *p1 = pooled1 + b * P1 * P1 * C1;
    conv2_backward(p1, features + b * P2 * P2 * C2, argmax2 + b * P2 * P2 * C2, d_features + b * P2 * P2 * C2);
    conv1_backward(images + b * IMAGE * IMAGE, p1, argmax1 + b * P1 * P1 * C1);
  }
}

/** Writes the accumulated gradients in tfjs's layouts: dW1 [3, 3, 1, 10], db1 [10], dW2 [3, 3, 10, 20], db2 [20]. */
__attribute__((export_name("trunk_backward_end"))) void trunk_backward_end(
    float *dw1, float *d_bias1, float *dw2, float *d_bias2) {
  for (int tap = 0; tap < 9; tap++) {
    for (int c = 0; c < C1; c++) dw1[tap * C1 + c] = dw1_by_out[c * 9 + tap];
  }
  for (int c = 0; c < C1; c++) d_bias1[c] = db1[c];
  for (int kh = 0; kh < 3; kh++) {
    for (int kw = 0; kw < 3; kw++) {
      for (int ci = 0; ci < C1; ci++) {
        for (int co = 0; co < C2; co++) {
          dw2[((kh * 3 + kw) * C1 + ci) * C2 + co] = dw2_by_out[(co * 3 + kh) * PATCH_ROW + kw * C1 + ci];
        }
      }
    }
  }
  for (int c = 0; c < C2; c++) d_bias2[c] = db2[c];
}
