package io.ringlite.vdbe.func;

import io.ringlite.storage.error.DatabaseException;
import io.ringlite.storage.error.ResultCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The built-in SQL functions by name and argument count: what the compiler asks when it meets
 * {@code f(...)}.
 *
 * <p>A name can have several definitions (e.g. {@code substr/2} and {@code substr/3},
 * {@code min/1} the aggregate and {@code min/N} the scalar); a definition with {@code nargs} -1
 * accepts any count within the function's documented bounds.
 */
public final class FunctionRegistry {
    /**
     * What {@code sqlite_version()} returns: the SQLite release whose behaviour Ringlite matches
     * and is tested against (messages, number formatting, file format, pragma results; the
     * oracle is sqlite3 / sqlite-jdbc 3.40.1). Applications that branch on the SQLite version
     * then take the branch that fits.
     */
    public static final String SQLITE_VERSION = "3.40.1";

    private static final Map<String, List<FuncDef>> BY_NAME = new HashMap<>();

    static {
        for (FuncDef f : ScalarFunctions.all()) {
            register(f);
        }
        for (FuncDef f : AggregateFunctions.all()) {
            register(f);
        }
    }

    private FunctionRegistry() {
    }

    private static void register(FuncDef f) {
        BY_NAME.computeIfAbsent(f.name(), k -> new ArrayList<>()).add(f);
    }

    /**
     * The definition of {@code name} taking {@code nargs} arguments.
     *
     * @throws DatabaseException ERROR "no such function: NAME" if the name is unknown,
     *         "wrong number of arguments to function NAME()" if no definition takes nargs
     */
    public static FuncDef lookup(String name, int nargs) {
        List<FuncDef> defs = BY_NAME.get(name.toLowerCase(Locale.ROOT));
        if (defs == null) {
            throw new DatabaseException(ResultCode.ERROR, "no such function: " + name);
        }
        FuncDef variadic = null;
        for (FuncDef f : defs) {
            if (f.nargs() == nargs) {
                return f;
            }
            if (f.nargs() < 0 && variadicAccepts(f, nargs)) {
                variadic = f;
            }
        }
        if (variadic != null) {
            return variadic;
        }
        throw new DatabaseException(ResultCode.ERROR, "wrong number of arguments to function " + name + "()");
    }

    /** Whether a function of this name exists (with any argument count). */
    public static boolean exists(String name) {
        return BY_NAME.containsKey(name.toLowerCase(Locale.ROOT));
    }

    private static boolean variadicAccepts(FuncDef f, int nargs) {
        return switch (f.name()) {
            case "coalesce" -> nargs >= 2;
            case "min", "max" -> nargs >= 2;
            case "char" -> nargs >= 0;
            case "printf", "format" -> nargs >= 1;
            default -> nargs >= 1;
        };
    }
}
