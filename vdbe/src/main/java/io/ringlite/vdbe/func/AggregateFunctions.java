package io.ringlite.vdbe.func;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import io.ringlite.vdbe.value.Collation;
import io.ringlite.vdbe.value.Mem;
import io.ringlite.vdbe.value.SqlCompare;
import io.ringlite.vdbe.value.SqlNumbers;
import java.util.List;

/**
 * The built-in aggregate functions (lang_aggfunc): count, sum, total, avg, min, max,
 * group_concat. NULL arguments are skipped by all but count(*).
 */
final class AggregateFunctions {
    private AggregateFunctions() {
    }

    static List<FuncDef> all() {
        return List.of(
                agg("count", 0, Count::new),
                agg("count", 1, Count::new),
                agg("sum", 1, () -> new Sum(Sum.Kind.SUM)),
                agg("total", 1, () -> new Sum(Sum.Kind.TOTAL)),
                agg("avg", 1, () -> new Sum(Sum.Kind.AVG)),
                agg("min", 1, () -> new MinMax(false)),
                agg("max", 1, () -> new MinMax(true)),
                agg("group_concat", 1, GroupConcat::new),
                agg("group_concat", 2, GroupConcat::new));
    }

    private static FuncDef agg(String name, int nargs, java.util.function.Supplier<Accumulator> s) {
        return new FuncDef(name, nargs, null, s, true);
    }

    /** count(*) counts rows; count(x) counts non-NULL x. */
    private static final class Count implements Accumulator {
        private long n;

        @Override
        public void step(Mem[] args) {
            if (args.length == 0 || !args[0].isNull()) {
                n++;
            }
        }

        @Override
        public void finish(Mem out) {
            out.setInt(n);
        }
    }

    /**
     * sum/total/avg. sum stays INTEGER while every input is an integer (INTEGER, or text that is
     * an integer) and fails with "integer overflow" past 64 bits; any other input makes it REAL.
     * sum of no rows is NULL, total 0.0, avg NULL.
     */
    private static final class Sum implements Accumulator {
        enum Kind { SUM, TOTAL, AVG }

        private final Kind kind;
        private long isum;
        private double rsum;
        private boolean approx;
        private boolean overflow;
        private long count;
        private final Mem num = new Mem();

        Sum(Kind kind) {
            this.kind = kind;
        }

        @Override
        public void step(Mem[] args) {
            Mem x = args[0];
            if (x.isNull()) {
                return;
            }
            count++;
            long iv = 0;
            boolean isInt;
            double rv;
            if (x.isInt()) {
                isInt = true;
                iv = x.intValue();
                rv = iv;
            } else if (x.isText() && SqlNumbers.parse(x.textValue(), num) && num.isInt()) {
                isInt = true;
                iv = num.intValue();
                rv = iv;
            } else {
                isInt = false;
                rv = x.asDouble();
            }
            rsum += rv;
            if (isInt && !approx) {
                long r = isum + iv;
                if (((isum ^ r) & (iv ^ r)) < 0) {
                    overflow = true;
                }
                isum = r;
            } else {
                approx = true;
            }
        }

        @Override
        public void finish(Mem out) {
            switch (kind) {
                case TOTAL -> out.setReal(rsum);
                case AVG -> {
                    if (count == 0) {
                        out.setNull();
                    } else {
                        out.setReal(rsum / count);
                    }
                }
                case SUM -> {
                    if (count == 0) {
                        out.setNull();
                    } else if (approx) {
                        out.setReal(rsum);
                    } else if (overflow) {
                        throw new DatabaseException(ResultCode.ERROR, "integer overflow");
                    } else {
                        out.setInt(isum);
                    }
                }
            }
        }
    }

    /** Aggregate min/max: the smallest/largest non-NULL value, NULL if none. */
    private static final class MinMax implements Accumulator {
        private final boolean max;
        private final Mem best = new Mem();

        MinMax(boolean max) {
            this.max = max;
        }

        @Override
        public void step(Mem[] args) {
            Mem x = args[0];
            if (x.isNull()) {
                return;
            }
            if (best.isNull()) {
                best.copyFrom(x);
                return;
            }
            int c = SqlCompare.compare(x, best, Collation.BINARY);
            if (max ? c > 0 : c < 0) {
                best.copyFrom(x);
            }
        }

        @Override
        public void finish(Mem out) {
            out.copyFrom(best);
        }
    }

    /** group_concat(X[, SEP]): non-NULL values as text joined by SEP (default ","). */
    private static final class GroupConcat implements Accumulator {
        private StringBuilder sb;

        @Override
        public void step(Mem[] args) {
            Mem x = args[0];
            if (x.isNull()) {
                return;
            }
            if (sb == null) {
                sb = new StringBuilder();
            } else if (args.length > 1) {
                if (!args[1].isNull()) {
                    sb.append(args[1].asText());
                }
            } else {
                sb.append(',');
            }
            sb.append(x.asText());
        }

        @Override
        public void finish(Mem out) {
            if (sb == null) {
                out.setNull();
            } else {
                out.setText(sb.toString());
            }
        }
    }
}
