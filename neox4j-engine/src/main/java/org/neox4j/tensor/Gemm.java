package org.neox4j.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The tiled matrix-matrix product of prefill: {@code y[t, o] += Σ_k W[o, k]·x[t, k]} for many
 * tokens t, bound by FMA throughput rather than memory.
 *
 * <p>A panel of {@link #P} weight rows × {@link #KC} columns is decoded from its storage dtype
 * once and packed column-major ({@code pack[k·P + r]}), so one k step is two float vectors of
 * {@code P} rows. The micro-kernel keeps a {@code P × 6} tile of outputs (12 vector
 * accumulators) in registers and, per k, loads two weight vectors and broadcasts six activation
 * scalars: 12 FMAs for 8 loads, no horizontal reductions, and the packed panel (32 KiB at
 * AVX-512 width) is reused for every token before the next panel is decoded. The activations
 * ({@code n × KC} floats, ~512 KiB for a 512-token prompt) stay in L2.
 */
public final class Gemm {
    private static final VectorSpecies<Float> F = RowDot.F;
    private static final int L = RowDot.L;
    /** Output rows per panel: two float vectors. */
    public static final int P = 2 * L;
    /** Columns per panel: a multiple of the 32-element quantization block. */
    static final int KC = 256;
    /** Tokens per micro-kernel tile. */
    private static final int TT = 6;

    private Gemm() {
    }

    /** Floats of scratch a thread needs: the packed panel and one decoded row segment. */
    static int scratchSize() {
        return P * KC + KC;
    }

    /**
     * Computes output rows {@code [o0, min(o0 + P, out))} for all {@code n} tokens, bias included.
     * {@code scratch} holds at least {@link #scratchSize()} floats.
     */
    static void panel(Tensor w, float[] bias, float[] x, int n, float[] y, int o0, float[] scratch) {
        int out = w.rows();
        int in = w.cols();
        int rows = Math.min(P, out - o0);
        VectorMask<Float> m0 = F.indexInRange(0, rows);
        VectorMask<Float> m1 = F.indexInRange(L, rows);
        boolean full = rows == P;
        for (int t = 0; t < n; t++) {
            for (int r = 0; r < rows; r++) {
                y[t * out + o0 + r] = bias == null ? 0f : bias[o0 + r];
            }
        }
        for (int k0 = 0; k0 < in; k0 += KC) {
            int kc = Math.min(KC, in - k0);
            pack(w, o0, rows, k0, kc, scratch);
            int t = 0;
            for (; t + TT <= n; t += TT) {
                if (full) {
                    tile6(scratch, kc, x, t * in + k0, in, y, t * out + o0, out);
                } else {
                    tile6Masked(scratch, kc, x, t * in + k0, in, y, t * out + o0, out, m0, m1);
                }
            }
            for (; t < n; t++) {
                tile1(scratch, kc, x, t * in + k0, y, t * out + o0, m0, m1);
            }
        }
    }

    /** Decodes rows {@code [o0, o0+rows)} × columns {@code [k0, k0+kc)} into {@code pack[k·P + r]}, zero-padding missing rows. */
    private static void pack(Tensor w, int o0, int rows, int k0, int kc, float[] scratch) {
        if (w.layout() == Tensor.Layout.ROW_GROUPS && (o0 + P) / RowGroups.ROWS <= w.rows() / RowGroups.ROWS
                && P % RowGroups.ROWS == 0) {
            // whole groups: 16 rows of a column are one vector store (see RowGroups.packPanel)
            for (int r = 0; r < P; r += RowGroups.ROWS) {
                RowGroups.packPanel(w.data(), w.cols(), o0 + r, k0, kc, scratch, r, P);
            }
            return;
        }
        int rowBuf = P * KC;
        long in = w.cols();
        for (int r = 0; r < P; r++) {
            if (r < rows) {
                w.toFloats((o0 + r) * in + k0, scratch, rowBuf, kc);
                for (int k = 0; k < kc; k++) {
                    scratch[k * P + r] = scratch[rowBuf + k];
                }
            } else {
                for (int k = 0; k < kc; k++) {
                    scratch[k * P + r] = 0f;
                }
            }
        }
    }

    private static void tile6(float[] pack, int kc, float[] x, int xb, int in, float[] y, int yb, int out) {
        FloatVector c00 = FloatVector.fromArray(F, y, yb);
        FloatVector c01 = FloatVector.fromArray(F, y, yb + L);
        FloatVector c10 = FloatVector.fromArray(F, y, yb + out);
        FloatVector c11 = FloatVector.fromArray(F, y, yb + out + L);
        FloatVector c20 = FloatVector.fromArray(F, y, yb + 2 * out);
        FloatVector c21 = FloatVector.fromArray(F, y, yb + 2 * out + L);
        FloatVector c30 = FloatVector.fromArray(F, y, yb + 3 * out);
        FloatVector c31 = FloatVector.fromArray(F, y, yb + 3 * out + L);
        FloatVector c40 = FloatVector.fromArray(F, y, yb + 4 * out);
        FloatVector c41 = FloatVector.fromArray(F, y, yb + 4 * out + L);
        FloatVector c50 = FloatVector.fromArray(F, y, yb + 5 * out);
        FloatVector c51 = FloatVector.fromArray(F, y, yb + 5 * out + L);
        int x1 = xb + in;
        int x2 = xb + 2 * in;
        int x3 = xb + 3 * in;
        int x4 = xb + 4 * in;
        int x5 = xb + 5 * in;
        for (int k = 0; k < kc; k++) {
            FloatVector w0 = FloatVector.fromArray(F, pack, k * P);
            FloatVector w1 = FloatVector.fromArray(F, pack, k * P + L);
            FloatVector b = FloatVector.broadcast(F, x[xb + k]);
            c00 = w0.fma(b, c00);
            c01 = w1.fma(b, c01);
            b = FloatVector.broadcast(F, x[x1 + k]);
            c10 = w0.fma(b, c10);
            c11 = w1.fma(b, c11);
            b = FloatVector.broadcast(F, x[x2 + k]);
            c20 = w0.fma(b, c20);
            c21 = w1.fma(b, c21);
            b = FloatVector.broadcast(F, x[x3 + k]);
            c30 = w0.fma(b, c30);
            c31 = w1.fma(b, c31);
            b = FloatVector.broadcast(F, x[x4 + k]);
            c40 = w0.fma(b, c40);
            c41 = w1.fma(b, c41);
            b = FloatVector.broadcast(F, x[x5 + k]);
            c50 = w0.fma(b, c50);
            c51 = w1.fma(b, c51);
        }
        c00.intoArray(y, yb);
        c01.intoArray(y, yb + L);
        c10.intoArray(y, yb + out);
        c11.intoArray(y, yb + out + L);
        c20.intoArray(y, yb + 2 * out);
        c21.intoArray(y, yb + 2 * out + L);
        c30.intoArray(y, yb + 3 * out);
        c31.intoArray(y, yb + 3 * out + L);
        c40.intoArray(y, yb + 4 * out);
        c41.intoArray(y, yb + 4 * out + L);
        c50.intoArray(y, yb + 5 * out);
        c51.intoArray(y, yb + 5 * out + L);
    }

    /** The edge panel (fewer than P rows): one token at a time through the masked single-token tile. */
    private static void tile6Masked(float[] pack, int kc, float[] x, int xb, int in, float[] y, int yb, int out,
                                    VectorMask<Float> m0, VectorMask<Float> m1) {
        for (int j = 0; j < TT; j++) {
            tile1(pack, kc, x, xb + j * in, y, yb + j * out, m0, m1);
        }
    }

    private static void tile1(float[] pack, int kc, float[] x, int xb, float[] y, int yb, VectorMask<Float> m0, VectorMask<Float> m1) {
        FloatVector c0 = FloatVector.fromArray(F, y, yb, m0);
        FloatVector c1 = FloatVector.fromArray(F, y, yb + L, m1);
        for (int k = 0; k < kc; k++) {
            FloatVector b = FloatVector.broadcast(F, x[xb + k]);
            c0 = FloatVector.fromArray(F, pack, k * P).fma(b, c0);
            c1 = FloatVector.fromArray(F, pack, k * P + L).fma(b, c1);
        }
        c0.intoArray(y, yb, m0);
        c1.intoArray(y, yb + L, m1);
    }
}
