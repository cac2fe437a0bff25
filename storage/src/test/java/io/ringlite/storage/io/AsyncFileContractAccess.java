package io.ringlite.storage.io;

/** Lets backend test classes in sub-packages extend the package-private contract suite. */
public abstract class AsyncFileContractAccess extends AsyncFileContract {
}
